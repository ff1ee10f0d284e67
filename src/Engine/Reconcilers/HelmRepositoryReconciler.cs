using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Tide.Engine.Api;
using Tide.Engine.Artifacts;
using Tide.Engine.Sources;
using Tide.Engine.Sources.Helm;
using static Tide.Engine.Reconcilers.SourceReconcileSteps;

namespace Tide.Engine.Reconcilers;

/// <summary>
/// Reconciles a HelmRepository as source-controller does. Type default: download index.yaml (basic auth from
/// secretRef, TLS from certSecretRef), take the digest of the downloaded bytes as the revision
/// (<c>sha256:&lt;hex&gt;</c>), and when it changed store the index as JSON, the artifact every HelmChart of this
/// repository reads. Type oci: a static object with an empty status, as in Flux (HelmCharts reach the registry).
/// </summary>
public sealed class HelmRepositoryReconciler(HttpClient http, ArtifactStore store, SourceReconcilerOptions options, TimeProvider time)
{
    public async Task<ReconcileResult<HelmRepositoryStatus>> ReconcileAsync(
        HelmRepository repository, ReferencedSecrets secrets, CancellationToken cancellationToken)
    {
        var spec = repository.Spec;
        if (spec.IsOci())
            return new ReconcileResult<HelmRepositoryStatus>(new HelmRepositoryStatus(), [], Requeue.OnChange);
        var previous = repository.Status ?? new HelmRepositoryStatus();
        if (spec.Suspend == true)
            return new ReconcileResult<HelmRepositoryStatus>(previous, [], Requeue.OnChange);

        var generation = repository.Metadata.Generation ?? 0;
        var owner = Owner(repository);
        var conditions = new ConditionSet(previous.Conditions, generation, time);
        var events = new List<ReconcileEvent>();
        var status = previous with { LastHandledReconcileAt = LastHandledReconcileAt(repository.Metadata, previous.LastHandledReconcileAt) };
        var progress = "reconciliation in progress";
        SourcePipeline.MarkProgressing(conditions, progress, drift: false);
        try
        {
            (var artifact, progress) = await new SourcePipeline(store, options, time)
                .CheckStoredArtifactAsync(previous.Artifact, progress, conditions, events, cancellationToken);
            if (!Uri.TryCreate(spec.Url, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
                throw new ReconcileFailure(ConditionReasons.UrlInvalid, $"invalid Helm repository URL: '{spec.Url}'", terminal: true);

            using var tlsHttp = TlsClient(spec.CertSecretRef, repository.Metadata, secrets.Cert);
            var client = new HelmRepositoryClient(tlsHttp ?? http, spec.Url, Credentials(repository, secrets.Auth));
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(spec.GetTimeout());
            byte[] bytes;
            try
            {
                bytes = await client.DownloadIndexAsync(timeout.Token);
            }
            catch (SourceFetchException e)
            {
                throw new ReconcileFailure(e.Reason, e.Message, e.Terminal, e);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new ReconcileFailure(ConditionReasons.Failed,
                    $"failed to fetch Helm repository index: timed out after {new GoDuration(spec.GetTimeout())}");
            }
            var revision = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(bytes));
            conditions.Delete(ConditionTypes.FetchFailed);

            if (artifact is not null && artifact.Revision == revision)
            {
                if (HelmSourceSteps.HadFailure(previous.Conditions))
                    events.Add(new ReconcileEvent(ReconcileEvent.Normal, ConditionReasons.Succeeded, StoredMessage(artifact, spec.Url)));
            }
            else
            {
                HelmIndex index;
                try
                {
                    index = HelmIndex.Parse(Encoding.UTF8.GetString(bytes));
                }
                catch (FormatException e)
                {
                    throw new ReconcileFailure(HelmRepository.IndexationFailedReason, $"failed to load Helm repository from index YAML: {e.Message}", inner: e);
                }
                if (artifact is not null)
                    conditions.MarkTrue(ConditionTypes.ArtifactOutdated, ConditionReasons.NewRevision, $"new index revision '{revision}'");
                progress = $"building artifact: new index revision '{revision}'";
                SourcePipeline.MarkProgressing(conditions, progress, drift: true);
                var json = Encoding.UTF8.GetBytes(index.ToJson());
                var built = await SourceReconcileSteps.StoreAsync(store, owner, json, revision, options, time, null, cancellationToken);
                events.Add(new ReconcileEvent(ReconcileEvent.Normal, ConditionReasons.NewArtifact, StoredMessage(built, spec.Url), ArtifactAnnotations(built)));
                artifact = built;
            }
            store.CollectGarbage(owner, options.ArtifactRetention, artifact.Path);
            SourcePipeline.MarkReady(conditions, $"stored artifact: revision '{artifact.Revision}'");
            artifact = artifact with { Url = options.ArtifactUrl(artifact.Path) };
            status = status with { Artifact = artifact, Url = artifact.Url, ObservedGeneration = generation, Conditions = conditions.ToList() };
            return new ReconcileResult<HelmRepositoryStatus>(status, events, Requeue.AfterInterval(spec.GetInterval()));
        }
        catch (ReconcileFailure failure)
        {
            var requeue = HelmSourceSteps.MarkFailed(conditions, failure, progress, events, spec.GetInterval());
            if (failure.Terminal)
                status = status with { ObservedGeneration = generation };
            return new ReconcileResult<HelmRepositoryStatus>(status with { Conditions = conditions.ToList() }, events, requeue);
        }
    }

    /// <summary>Cleans up after a deleted HelmRepository: its artifacts.</summary>
    public void Delete(HelmRepository repository) => store.DeleteAll(Owner(repository));

    private static ArtifactOwner Owner(HelmRepository repository) =>
        new(HelmRepository.KindName, repository.Metadata.NamespaceProperty ?? "default", repository.Metadata.Name);

    /// <summary>secretRef's username and password (both, or neither, as Flux requires).</summary>
    public static HelmRepositoryCredentials? Credentials(HelmRepository repository, IReadOnlyDictionary<string, byte[]>? data)
    {
        if (repository.Spec.SecretRef is not { } secretRef)
            return null;
        if (data is null)
            throw new ReconcileFailure(ConditionReasons.AuthenticationFailed, SecretNotFound(repository.Metadata, secretRef));
        var username = data.TryGetValue("username", out var u) ? Encoding.UTF8.GetString(u) : "";
        var password = data.TryGetValue("password", out var p) ? Encoding.UTF8.GetString(p) : "";
        if (username.Length == 0 && password.Length == 0)
            return null;
        if (username.Length == 0 || password.Length == 0)
            throw new ReconcileFailure(ConditionReasons.AuthenticationFailed,
                $"failed to configure Helm client with secret data: secret '{repository.Metadata.NamespaceProperty}/{secretRef.Name}' has a username or a password, not both",
                terminal: true);
        return new HelmRepositoryCredentials(username, password, repository.Spec.PassCredentials == true);
    }

    /// <summary>source-controller's NewArtifact message: the index size in docker's go-units form (60.88kB).</summary>
    private static string StoredMessage(Artifact artifact, string url) =>
        $"stored fetched index of size {HumanSize(artifact.Size ?? 0)} from '{url}'";

    private static string HumanSize(double size)
    {
        string[] units = ["B", "kB", "MB", "GB", "TB"];
        var unit = 0;
        while (size >= 1000 && unit < units.Length - 1)
        {
            size /= 1000;
            unit++;
        }
        return size.ToString("G4", CultureInfo.InvariantCulture) + units[unit];
    }
}
