using Tide.Engine.Api;
using Tide.Engine.Artifacts;
using Tide.Engine.Sources;

namespace Tide.Engine.Reconcilers;

/// <summary>
/// Helpers every source kind's reconciler uses besides <see cref="SourcePipeline"/>: TLS clients from certSecretRef,
/// source-controller's wording for a missing Secret, the reconcile-request annotation, status times and the
/// artifact annotations of events.
/// </summary>
internal static class SourceReconcileSteps
{
    public const string ReconcileRequestAnnotation = "reconcile.fluxcd.io/requestedAt";
    public const string RevisionAnnotation = "source.toolkit.fluxcd.io/revision";
    public const string DigestAnnotation = "source.toolkit.fluxcd.io/digest";

    /// <summary>A client trusting the certSecretRef's CA (and presenting its client certificate), or null for the
    /// shared client when there is no certSecretRef.</summary>
    public static HttpClient? TlsClient(
        LocalObjectReference? certSecretRef, k8s.Models.V1ObjectMeta metadata, IReadOnlyDictionary<string, byte[]>? certData)
    {
        if (certSecretRef is null)
            return null;
        if (certData is null)
            throw new ReconcileFailure(ConditionReasons.AuthenticationFailed,
                SecretNotFound(metadata, certSecretRef));
        try
        {
            return TlsHttpClient.Create(certData, certSecretRef.Name);
        }
        catch (SourceFetchException e)
        {
            throw new ReconcileFailure(e.Reason, e.Message, e.Terminal, e);
        }
    }

    /// <summary>source-controller's message for a referenced Secret that does not exist.</summary>
    public static string SecretNotFound(k8s.Models.V1ObjectMeta metadata, LocalObjectReference secretRef) =>
        $"failed to get secret '{metadata.NamespaceProperty ?? "default"}/{secretRef.Name}': secrets \"{secretRef.Name}\" not found";

    public static string? LastHandledReconcileAt(k8s.Models.V1ObjectMeta metadata, string? previous) =>
        metadata.Annotations?.TryGetValue(ReconcileRequestAnnotation, out var requestedAt) == true ? requestedAt : previous;

    /// <summary>Stores <paramref name="content"/> as <paramref name="owner"/>'s artifact serving
    /// <paramref name="revision"/>; a storage failure is source-controller's ArchiveOperationFailed.</summary>
    public static async Task<Artifact> StoreAsync(ArtifactStore store, ArtifactOwner owner, byte[] content, string revision,
        SourceReconcilerOptions options, TimeProvider time, IReadOnlyDictionary<string, string>? metadata, CancellationToken ct)
    {
        StoredArtifact stored;
        try
        {
            stored = await store.PutAsync(owner, (stream, token) => stream.WriteAsync(content, token).AsTask(), ct);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ReconcileFailure(ConditionReasons.ArchiveOperationFailed, $"unable to save artifact to storage: {e.Message}", inner: e);
        }
        return ArtifactOf(stored, revision, options, time, metadata);
    }

    /// <summary>The artifact record of a stored file serving <paramref name="revision"/>.</summary>
    public static Artifact ArtifactOf(StoredArtifact stored, string revision, SourceReconcilerOptions options, TimeProvider time,
        IReadOnlyDictionary<string, string>? metadata) => new()
    {
        Digest = stored.Digest,
        Path = stored.Path,
        Url = options.ArtifactUrl(stored.Path),
        Revision = revision,
        Size = stored.Size,
        LastUpdateTime = Seconds(time.GetUtcNow()),
        Metadata = metadata,
    };

    /// <summary>Status times are whole seconds, as in Kubernetes.</summary>
    public static DateTimeOffset Seconds(DateTimeOffset time) =>
        new(time.Ticks - time.Ticks % TimeSpan.TicksPerSecond, TimeSpan.Zero);

    public static Dictionary<string, string> ArtifactAnnotations(Artifact artifact) =>
        new() { [RevisionAnnotation] = artifact.Revision, [DigestAnnotation] = artifact.Digest };
}
