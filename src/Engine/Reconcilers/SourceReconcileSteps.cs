using Tide.Engine.Api;
using Tide.Engine.Artifacts;
using Tide.Engine.Sources;

namespace Tide.Engine.Reconcilers;

/// <summary>
/// The steps every source reconciler (GitRepository, OCIRepository, Bucket) shares with source-controller's: progressing status,
/// checking the stored artifact, the Ready outcome and the mapping of a failure to conditions and events.
/// </summary>
internal static class SourceReconcileSteps
{
    public const string ReconcileRequestAnnotation = "reconcile.fluxcd.io/requestedAt";
    public const string RevisionAnnotation = "source.toolkit.fluxcd.io/revision";
    public const string DigestAnnotation = "source.toolkit.fluxcd.io/digest";

    /// <summary>Flux's ProgressiveStatus: Reconciling=True, and Ready=Unknown when there is news or no Ready yet.</summary>
    public static void MarkProgressing(ConditionSet conditions, string message, bool drift)
    {
        conditions.MarkReconciling(ConditionReasons.Progressing, message);
        if (drift || !conditions.Has(ConditionTypes.Ready) || conditions.Get(ConditionTypes.Ready)!.Status == ConditionStatus.Unknown)
            conditions.MarkUnknown(ConditionTypes.Ready, ConditionReasons.Progressing, message);
    }

    /// <summary>The artifact in the status, if its file is still in the store with the same digest.</summary>
    public static async Task<Artifact?> VerifyStoredArtifactAsync(
        ArtifactStore store, Artifact? artifact, List<ReconcileEvent> events, CancellationToken cancellationToken)
    {
        if (artifact is null || !store.Exists(artifact.Path))
            return null;
        if (await store.VerifyAsync(artifact.Path, artifact.Digest, cancellationToken))
            return artifact;
        events.Add(new ReconcileEvent(ReconcileEvent.Warning, "ArtifactVerificationFailed",
            $"failed to verify integrity of artifact: computed digest of '{artifact.Path}' does not match '{artifact.Digest}'"));
        return null;
    }

    /// <summary>The status after a stored artifact: ArtifactInStorage and Ready true with <paramref name="stored"/>,
    /// in-progress conditions gone.</summary>
    public static void MarkReady(ConditionSet conditions, string stored)
    {
        conditions.Delete(ConditionTypes.FetchFailed);
        conditions.Delete(ConditionTypes.ArtifactOutdated);
        conditions.Delete(ConditionTypes.StorageOperationFailed);
        conditions.MarkTrue(ConditionTypes.ArtifactInStorage, ConditionReasons.Succeeded, stored);
        conditions.Delete(ConditionTypes.Reconciling);
        conditions.Delete(ConditionTypes.Stalled);
        conditions.MarkTrue(ConditionTypes.Ready, ConditionReasons.Succeeded, stored);
    }

    /// <summary>Records a failed phase: its abnormal condition (storage problems apart from fetch problems, a failed
    /// verification as SourceVerified=False), Ready
    /// false, a warning event, and Stalled for a configuration error. Returns when to run again.</summary>
    public static Requeue MarkFailed(
        ConditionSet conditions, ReconcileFailure failure, string progress, List<ReconcileEvent> events, TimeSpan interval)
    {
        if (failure.Reason == ConditionReasons.VerificationError)
            conditions.MarkFalse(ConditionTypes.SourceVerified, failure.Reason, failure.Message);
        else
            conditions.MarkTrue(failure.Reason == ConditionReasons.ArchiveOperationFailed
                ? ConditionTypes.StorageOperationFailed
                : ConditionTypes.FetchFailed, failure.Reason, failure.Message);
        conditions.MarkFalse(ConditionTypes.Ready, failure.Reason, failure.Message);
        events.Add(new ReconcileEvent(ReconcileEvent.Warning, failure.Reason, failure.Message));
        if (failure.Terminal)
        {
            conditions.MarkStalled(failure.Reason, failure.Message);
            return Requeue.OnChange;
        }
        conditions.MarkReconciling(ConditionReasons.ProgressingWithRetry, progress);
        return Requeue.WithBackoff(interval);
    }

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

    public static bool HadFailure(IReadOnlyList<Condition>? conditions) =>
        conditions?.Any(c => c.Type is ConditionTypes.FetchFailed or ConditionTypes.StorageOperationFailed) == true;

    public static string? LastHandledReconcileAt(k8s.Models.V1ObjectMeta metadata, string? previous) =>
        metadata.Annotations?.TryGetValue(ReconcileRequestAnnotation, out var requestedAt) == true ? requestedAt : previous;

    /// <summary>Status times are whole seconds, as in Kubernetes.</summary>
    public static DateTimeOffset Seconds(DateTimeOffset time) =>
        new(time.Ticks - time.Ticks % TimeSpan.TicksPerSecond, TimeSpan.Zero);

    public static Dictionary<string, string> ArtifactAnnotations(Artifact artifact) =>
        new() { [RevisionAnnotation] = artifact.Revision, [DigestAnnotation] = artifact.Digest };
}
