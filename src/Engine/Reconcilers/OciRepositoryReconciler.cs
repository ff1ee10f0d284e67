using System.Collections.Concurrent;
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

    private readonly SourcePipeline _pipeline = new(store, options, time);

    /// <summary>
    /// What extracting and repacking a layer gave, by layer digest and ignore rules: the store path of the packed
    /// tarball. Packing is reproducible (same tree, same bytes) and the tree is a function of the layer's verified
    /// content and the ignore rules, so another OCIRepository pulling the same layer (many apps of one artifact, as in
    /// Flux's benchmark) copies that tarball instead of downloading, extracting and packing the layer again.
    /// </summary>
    private readonly ConcurrentDictionary<string, string> _packedLayers = new(StringComparer.Ordinal);

    /// <summary>Bounds <see cref="_packedLayers"/>: past it the memo starts over (a miss only costs the work).</summary>
    private const int PackedLayersKept = 10_000;

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
        using var origin = new Origin(this, http, repository, secrets, previous);
        var outcome = await _pipeline.RunAsync(origin, Owner(repository), generation, previous.Conditions, previous.Artifact,
            spec.Interval, cancellationToken);
        var status = previous with
        {
            LastHandledReconcileAt = LastHandledReconcileAt(repository.Metadata, previous.LastHandledReconcileAt),
            Conditions = outcome.Conditions,
            ObservedGeneration = outcome.Observed ? generation : previous.ObservedGeneration,
        };
        if (outcome.Rebuilt)
            status = status with { ObservedIgnore = spec.Ignore, ObservedLayerSelector = spec.LayerSelector };
        if (outcome.Artifact is { } artifact)
            status = status with { Artifact = artifact, Url = artifact.Url };
        return new ReconcileResult<OciRepositoryStatus>(status, outcome.Events, outcome.Requeue);
    }

    /// <summary>An OCI artifact: the reference resolved to a manifest digest (its signature verified), then the
    /// selected layer pulled and extracted (or copied).</summary>
    private sealed class Origin(OciRepositoryReconciler reconciler, HttpClient http, OciRepository repository,
        ReferencedSecrets secrets, OciRepositoryStatus previous) : SourceOrigin
    {
        private readonly CancellationTokenSource _timeout = new();
        private HttpClient? _tlsHttp;
        private OciClient? _client;
        private OciReference? _reference;
        private OciResolution? _resolution;

        private OciRepositorySpec Spec => repository.Spec;

        public override async Task<string> FetchAsync(SourceRun run, CancellationToken cancellationToken)
        {
            _reference = ParseUrl(Spec);
            _tlsHttp = TlsClient(Spec.CertSecretRef, repository.Metadata, secrets.Cert);
            _client = new OciClient(_tlsHttp ?? http, _reference.Registry, Spec.Insecure == true,
                Credentials(repository.Metadata, Spec, _reference, secrets.Auth));
            _timeout.CancelAfter(Spec.GetTimeout());
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _timeout.Token);
            _resolution = await TimedAsync(() => OciArtifactFetcher.ResolveAsync(_client, _reference, Spec.Reference, linked.Token),
                cancellationToken);
            run.Conditions.Delete(ConditionTypes.FetchFailed);

            // As source-controller: verify a new revision, a changed spec, or again after a failed verification; an
            // already verified revision is not verified on every interval.
            if (Spec.Verify is null)
                run.Conditions.Delete(ConditionTypes.SourceVerified);
            else if (previous.Artifact?.Revision != _resolution.Revision ||
                     run.Conditions.Get(ConditionTypes.SourceVerified)?.ObservedGeneration != run.Generation ||
                     run.Conditions.IsFalse(ConditionTypes.SourceVerified))
            {
                await VerifySignatureAsync(repository, secrets, _client, _reference, _resolution, linked.Token, cancellationToken);
                run.Conditions.MarkTrue(ConditionTypes.SourceVerified, ConditionReasons.Succeeded,
                    $"verified signature of revision {_resolution.Revision}");
            }
            return _resolution.Revision;
        }

        public override bool ContentConfigChanged =>
            Spec.Ignore != previous.ObservedIgnore || Spec.LayerSelector != previous.ObservedLayerSelector;

        public override async Task<Artifact> BuildAsync(SourceRun run, CancellationToken cancellationToken)
        {
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _timeout.Token);
            return await TimedAsync(() => reconciler.BuildArtifactAsync(run, Spec, _client!, _reference!, _resolution!, linked.Token),
                cancellationToken);
        }

        public override string NewRevision(string revision) => $"new revision '{revision}' for '{Spec.Url}'";

        public override string NewArtifactMessage(Artifact built) => StoredMessage(built, Spec.Url);

        public override string RecoveredMessage(Artifact artifact) => StoredMessage(artifact, Spec.Url);

        /// <summary>source-controller reports an OCI artifact by its digest revision.</summary>
        public override string ReadyMessage(Artifact artifact) => $"stored artifact for digest '{artifact.Revision}'";

        /// <summary>The spec's timeout ends a remote phase as Flux reports it.</summary>
        private async Task<T> TimedAsync<T>(Func<Task<T>> phase, CancellationToken cancellationToken)
        {
            try
            {
                return await phase();
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new ReconcileFailure(OciRepository.PullFailedReason,
                    $"failed to pull artifact from '{Spec.Url}': timed out after {new GoDuration(Spec.GetTimeout())}");
            }
        }

        public override void Dispose()
        {
            _tlsHttp?.Dispose();
            _timeout.Dispose();
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
        var verifier = CosignKeyVerification.Create(repository.Spec.Verify!, repository.Metadata, secrets.Verification);
        bool verified;
        try
        {
            verified = await verifier.VerifyAsync(client, reference.Repository, resolution.Manifest.Digest, timeout);
        }
        catch (Exception e) when (e is OciException or FormatException or JsonException)
        {
            throw CosignKeyVerification.Failed(e.Message, e);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw CosignKeyVerification.Failed($"timed out after {new GoDuration(repository.Spec.GetTimeout())}");
        }
        if (!verified)
        {
            // The reference as go-containerregistry names it, as in Flux's message.
            var name = $"{reference.Registry}/{reference.Repository}" +
                       (resolution.Tag is { } tag ? ":" + tag : "@" + resolution.Manifest.Digest);
            throw CosignKeyVerification.Failed($"no matching signatures were found for '{name}'");
        }
    }

    /// <summary>Pulls the selected layer and stores it: extracted and repacked with the ignore rules, or copied.</summary>
    /// <summary>Stores for <paramref name="owner"/> a copy of the tarball an earlier pull packed from the same layer
    /// and ignore rules; null when there is none (or it was garbage-collected since).</summary>
    private async Task<StoredArtifact?> CopyPackedAsync(ArtifactOwner owner, string key, CancellationToken cancellationToken)
    {
        if (!_packedLayers.TryGetValue(key, out var path))
            return null;
        Stream packed;
        try
        {
            packed = store.Open(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            _packedLayers.TryRemove(key, out _);
            return null;
        }
        await using (packed)
            return await store.PutAsync(owner, (stream, ct) => packed.CopyToAsync(stream, ct), cancellationToken);
    }

    private async Task<Artifact> BuildArtifactAsync(
        SourceRun run, OciRepositorySpec spec, OciClient client, OciReference reference, OciResolution resolution,
        CancellationToken cancellationToken)
    {
        var layer = OciArtifactFetcher.SelectLayer(resolution.Manifest, spec.LayerSelector?.MediaType);
        var tree = options.NewWorkDirectory("tide-oci");
        try
        {
            StoredArtifact stored;
            if (spec.LayerSelector?.Operation == OciLayerSelector.Copy)
            {
                stored = await store.PutAsync(run.Owner,
                    (stream, ct) => OciArtifactFetcher.DownloadLayerAsync(client, reference, layer, stream, ct), cancellationToken);
            }
            else if (await CopyPackedAsync(run.Owner, $"{layer.Digest}\n{spec.Ignore}", cancellationToken) is { } copied)
            {
                stored = copied;
            }
            else
            {
                await OciArtifactFetcher.ExtractLayerAsync(client, reference, layer, tree, options.UnpackLimits, cancellationToken);
                var ignore = SourceIgnore.ForDirectory(tree, spec.Ignore);
                stored = await store.PutAsync(run.Owner, (stream, ct) => TarballPacker.PackAsync(tree, stream, ignore.IsExcluded, ct), cancellationToken);
                if (_packedLayers.Count >= PackedLayersKept)
                    _packedLayers.Clear();
                _packedLayers[$"{layer.Digest}\n{spec.Ignore}"] = stored.Path;
            }
            return run.ArtifactOf(stored, resolution.Revision,
                resolution.Manifest.Annotations.Count == 0 ? null : resolution.Manifest.Annotations);
        }
        finally
        {
            if (Directory.Exists(tree))
                Directory.Delete(tree, recursive: true);
        }
    }

    /// <summary>Flux's NewArtifact message, naming the origin when the artifact carries both of Flux's annotations.</summary>
    private static string StoredMessage(Artifact artifact, string url)
    {
        var message = $"stored artifact with revision '{artifact.Revision}' from '{url}'";
        if (artifact.Metadata?.GetValueOrDefault(FluxArtifactTypes.SourceAnnotation) is { Length: > 0 } source &&
            artifact.Metadata?.GetValueOrDefault(FluxArtifactTypes.RevisionAnnotation) is { Length: > 0 } revision)
            message += $", origin source '{source}', origin revision '{revision}'";
        return message;
    }
}
