using System.Text.Json;
using Tide.Engine.Api;
using Tide.Engine.Artifacts;
using Tide.Engine.Sources;
using Tide.Engine.Sources.Ignore;
using Tide.Engine.Sources.Oci;
using static Tide.Engine.Reconcilers.SourceReconcileSteps;

namespace Tide.Engine.Reconcilers;

/// <summary>
/// Reconciles an OCIRepository as source-controller does: resolve the reference to a manifest digest, and when the
/// revision (or the ignore rules or layer selector) changed, pull the selected layer, extract and repack it (or copy
/// it as is) into a content-addressed artifact whose metadata are the manifest's annotations. Returns the new status
/// with Flux's conditions, the events to record and when to run again; the caller patches the status.
/// </summary>
public sealed class OciRepositoryReconciler(
    HttpClient http, ArtifactStore store, SourceReconcilerOptions options, TimeProvider time)
{
    private const string DockerConfigKey = ".dockerconfigjson";
    private const string CosignProvider = "cosign";

    /// <param name="secrets">The data of the Secrets spec.secretRef (a .dockerconfigjson), spec.certSecretRef and
    /// spec.verify.secretRef (cosign public keys) name.</param>
    public async Task<ReconcileResult<OciRepositoryStatus>> ReconcileAsync(
        OciRepository repository, ReferencedSecrets secrets, CancellationToken cancellationToken)
    {
        var previous = repository.Status ?? new OciRepositoryStatus();
        if (repository.Spec.Suspend == true)
            return new ReconcileResult<OciRepositoryStatus>(previous, [], Requeue.OnChange);

        var spec = repository.Spec;
        var generation = repository.Metadata.Generation ?? 0;
        var owner = Owner(repository);
        var conditions = new ConditionSet(previous.Conditions, generation, time);
        var events = new List<ReconcileEvent>();
        var status = previous with { LastHandledReconcileAt = LastHandledReconcileAt(repository.Metadata, previous.LastHandledReconcileAt) };
        var progress = "reconciliation in progress";
        MarkProgressing(conditions, progress, drift: false);

        try
        {
            var artifact = await VerifyStoredArtifactAsync(store, previous.Artifact, events, cancellationToken);
            if (artifact is null)
            {
                progress = previous.Artifact is null ? "building artifact" : "building artifact: disappeared from storage";
                MarkProgressing(conditions, progress, drift: true);
                conditions.Delete(ConditionTypes.ArtifactInStorage);
            }

            var reference = ParseUrl(spec);
            using var tlsHttp = TlsClient(repository.Spec.CertSecretRef, repository.Metadata, secrets.Cert);
            var client = new OciClient(tlsHttp ?? http, reference.Registry, spec.Insecure == true, Credentials(repository.Metadata, spec, reference, secrets.Auth));
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(spec.GetTimeout());
            var resolution = await WithTimeoutAsync(spec, () => OciArtifactFetcher.ResolveAsync(client, reference, spec.Reference, timeout.Token), cancellationToken);
            conditions.Delete(ConditionTypes.FetchFailed);

            // As source-controller: verify a new revision, a changed spec, or again after a failed verification; an
            // already verified revision is not verified on every interval.
            if (spec.Verify is null)
                conditions.Delete(ConditionTypes.SourceVerified);
            else if (previous.Artifact?.Revision != resolution.Revision ||
                     conditions.Get(ConditionTypes.SourceVerified)?.ObservedGeneration != generation ||
                     conditions.IsFalse(ConditionTypes.SourceVerified))
            {
                await VerifySignatureAsync(repository, secrets, client, reference, resolution, timeout.Token, cancellationToken);
                conditions.MarkTrue(ConditionTypes.SourceVerified, ConditionReasons.Succeeded, $"verified signature of revision {resolution.Revision}");
            }

            if (artifact is not null && artifact.Revision == resolution.Revision && !ContentConfigChanged(spec, previous))
            {
                if (HadFailure(previous.Conditions))
                    events.Add(new ReconcileEvent(ReconcileEvent.Normal, ConditionReasons.Succeeded, StoredMessage(artifact, spec.Url)));
            }
            else
            {
                progress = $"building artifact: new revision '{resolution.Revision}' for '{spec.Url}'";
                if (artifact is not null)
                    conditions.MarkTrue(ConditionTypes.ArtifactOutdated, ConditionReasons.NewRevision, $"new revision '{resolution.Revision}' for '{spec.Url}'");
                MarkProgressing(conditions, progress, drift: true);
                var built = await WithTimeoutAsync(spec, () => BuildArtifactAsync(owner, spec, client, reference, resolution, timeout.Token), cancellationToken);
                if (built.Digest != previous.Artifact?.Digest)
                    events.Add(new ReconcileEvent(ReconcileEvent.Normal, ConditionReasons.NewArtifact, StoredMessage(built, spec.Url), ArtifactAnnotations(built)));
                artifact = built;
                status = status with { ObservedIgnore = spec.Ignore, ObservedLayerSelector = spec.LayerSelector };
            }
            store.CollectGarbage(owner, options.ArtifactRetention, artifact.Path);

            // source-controller reports an OCI artifact by its digest revision.
            MarkReady(conditions, $"stored artifact for digest '{artifact.Revision}'");
            artifact = artifact with { Url = options.ArtifactUrl(artifact.Path) };
            status = status with { Artifact = artifact, Url = artifact.Url, ObservedGeneration = generation };
            return Result(status, conditions, events, Requeue.AfterInterval(spec.Interval));
        }
        catch (ReconcileFailure failure)
        {
            var requeue = MarkFailed(conditions, failure, progress, events, spec.Interval);
            if (failure.Terminal)
                status = status with { ObservedGeneration = generation };
            return Result(status, conditions, events, requeue);
        }
    }

    /// <summary>Cleans up after a deleted OCIRepository: its artifacts.</summary>
    public void Delete(OciRepository repository) => store.DeleteAll(Owner(repository));

    private static ArtifactOwner Owner(OciRepository repository) =>
        new(OciRepository.KindName, repository.Metadata.NamespaceProperty ?? "default", repository.Metadata.Name);

    private static OciReference ParseUrl(OciRepositorySpec spec)
    {
        try
        {
            var reference = OciReference.Parse(spec.Url);
            if (reference.Tag is not null)
                throw new FormatException($"URL must not contain a tag; remove ':{reference.Tag}'");
            if (reference.Digest is not null)
                throw new FormatException($"URL must not contain a digest; remove '@{reference.Digest}'");
            return reference;
        }
        catch (FormatException e)
        {
            throw new ReconcileFailure(ConditionReasons.UrlInvalid, $"URL validation failed for '{spec.Url}': {e.Message}", terminal: true, e);
        }
    }

    private static OciCredentials? Credentials(
        k8s.Models.V1ObjectMeta metadata, OciRepositorySpec spec, OciReference reference, IReadOnlyDictionary<string, byte[]>? secretData)
    {
        if (spec.SecretRef is null)
            return null;
        if (secretData is null)
            throw new ReconcileFailure(ConditionReasons.AuthenticationFailed, SecretNotFound(metadata, spec.SecretRef));
        if (!secretData.TryGetValue(DockerConfigKey, out var dockerConfigJson))
            throw new ReconcileFailure(ConditionReasons.AuthenticationFailed,
                $"failed to get credential from secret '{spec.SecretRef.Name}': no '{DockerConfigKey}' key");
        try
        {
            return OciCredentials.FromDockerConfigJson(System.Text.Encoding.UTF8.GetString(dockerConfigJson), reference.Registry);
        }
        catch (Exception e) when (e is JsonException or FormatException)
        {
            throw new ReconcileFailure(ConditionReasons.AuthenticationFailed,
                $"failed to get credential from secret '{spec.SecretRef.Name}': {e.Message}", inner: e);
        }
    }

    /// <summary>Flux's verifySignature for provider cosign with the public keys (every '*.pub') of spec.verify.secretRef:
    /// the revision passes when a signature verifies with any of them. Keyless verification (Fulcio/Rekor) and notation
    /// are not supported: a terminal failure rather than an unverified artifact.</summary>
    private static async Task VerifySignatureAsync(OciRepository repository, ReferencedSecrets secrets, OciClient client,
        OciReference reference, OciResolution resolution, CancellationToken timeout, CancellationToken cancellationToken)
    {
        var verify = repository.Spec.Verify!;
        if (verify.Provider != CosignProvider)
            throw new ReconcileFailure(ConditionReasons.VerificationError,
                $"failed to verify the signature using provider '{verify.Provider}': provider '{verify.Provider}' is not supported by Tide",
                terminal: true);
        if (verify.SecretRef is null)
            throw new ReconcileFailure(ConditionReasons.VerificationError,
                $"failed to verify the signature using provider '{CosignProvider} keyless': keyless verification is not supported by Tide; " +
                "set spec.verify.secretRef to a Secret holding the cosign public keys ('*.pub')",
                terminal: true);
        static ReconcileFailure Failed(string message, Exception? inner = null) => new(ConditionReasons.VerificationError,
            $"failed to verify the signature using provider '{CosignProvider}': {message}", inner: inner);
        if (secrets.Verification is not { } keys)
            throw Failed(SecretNotFound(repository.Metadata, verify.SecretRef));

        bool verified;
        try
        {
            var verifier = new CosignVerifier(keys.Where(k => k.Key.EndsWith(".pub", StringComparison.Ordinal)).Select(k => (k.Key, k.Value)));
            verified = await verifier.VerifyAsync(client, reference.Repository, resolution.Manifest.Digest, timeout);
        }
        catch (Exception e) when (e is OciException or FormatException or JsonException)
        {
            throw Failed(e.Message, e);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw Failed($"timed out after {new GoDuration(repository.Spec.GetTimeout())}");
        }
        if (!verified)
        {
            // The reference as go-containerregistry names it, as in Flux's message.
            var name = $"{reference.Registry}/{reference.Repository}" +
                       (resolution.Tag is { } tag ? ":" + tag : "@" + resolution.Manifest.Digest);
            throw Failed($"no matching signatures were found for '{name}'");
        }
    }

    /// <summary>Runs a remote phase, mapping its failures (and the spec's timeout) to Flux's reasons.</summary>
    private static async Task<T> WithTimeoutAsync<T>(OciRepositorySpec spec, Func<Task<T>> phase, CancellationToken cancellationToken)
    {
        try
        {
            return await phase();
        }
        catch (SourceFetchException e)
        {
            throw new ReconcileFailure(e.Reason, e.Message, e.Terminal, e);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ReconcileFailure(OciRepository.PullFailedReason,
                $"failed to pull artifact from '{spec.Url}': timed out after {new GoDuration(spec.GetTimeout())}");
        }
    }

    /// <summary>Pulls the selected layer and stores it: extracted and repacked with the ignore rules, or copied.</summary>
    private async Task<Artifact> BuildArtifactAsync(
        ArtifactOwner owner, OciRepositorySpec spec, OciClient client, OciReference reference, OciResolution resolution,
        CancellationToken cancellationToken)
    {
        var layer = OciArtifactFetcher.SelectLayer(resolution.Manifest, spec.LayerSelector?.MediaType);
        var tree = options.NewWorkDirectory("tide-oci");
        try
        {
            StoredArtifact stored;
            if (spec.LayerSelector?.Operation == OciLayerSelector.Copy)
            {
                stored = await store.PutAsync(owner,
                    (stream, ct) => OciArtifactFetcher.DownloadLayerAsync(client, reference, layer, stream, ct), cancellationToken);
            }
            else
            {
                await OciArtifactFetcher.ExtractLayerAsync(client, reference, layer, tree, options.UnpackLimits, cancellationToken);
                var ignore = SourceIgnore.ForDirectory(tree, spec.Ignore);
                stored = await store.PutAsync(owner, (stream, ct) => TarballPacker.PackAsync(tree, stream, ignore.IsExcluded, ct), cancellationToken);
            }
            return new Artifact
            {
                Digest = stored.Digest,
                Path = stored.Path,
                Url = options.ArtifactUrl(stored.Path),
                Revision = resolution.Revision,
                Size = stored.Size,
                LastUpdateTime = Seconds(time.GetUtcNow()),
                Metadata = resolution.Manifest.Annotations.Count == 0 ? null : resolution.Manifest.Annotations,
            };
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ReconcileFailure(ConditionReasons.ArchiveOperationFailed, $"unable to archive artifact to storage: {e.Message}", inner: e);
        }
        finally
        {
            if (Directory.Exists(tree))
                Directory.Delete(tree, recursive: true);
        }
    }

    /// <summary>Whether settings that shape the artifact's content changed since it was built (Flux's
    /// ociContentConfigChanged).</summary>
    private static bool ContentConfigChanged(OciRepositorySpec spec, OciRepositoryStatus status) =>
        spec.Ignore != status.ObservedIgnore || spec.LayerSelector != status.ObservedLayerSelector;

    /// <summary>Flux's NewArtifact message, naming the origin when the artifact carries both of Flux's annotations.</summary>
    private static string StoredMessage(Artifact artifact, string url)
    {
        var message = $"stored artifact with revision '{artifact.Revision}' from '{url}'";
        if (artifact.Metadata?.GetValueOrDefault(FluxArtifactTypes.SourceAnnotation) is { Length: > 0 } source &&
            artifact.Metadata?.GetValueOrDefault(FluxArtifactTypes.RevisionAnnotation) is { Length: > 0 } revision)
            message += $", origin source '{source}', origin revision '{revision}'";
        return message;
    }

    private static ReconcileResult<OciRepositoryStatus> Result(
        OciRepositoryStatus status, ConditionSet conditions, List<ReconcileEvent> events, Requeue requeue) =>
        new(status with { Conditions = conditions.ToList() }, events, requeue);
}
