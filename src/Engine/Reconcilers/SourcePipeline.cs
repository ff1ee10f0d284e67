using Tide.Engine.Api;
using Tide.Engine.Artifacts;
using Tide.Engine.Sources;

namespace Tide.Engine.Reconcilers;

/// <summary>
/// The reconcile every source kind shares with source-controller: check the stored artifact, fetch the origin's
/// revision, and when it (or the settings that shape the content) changed build and store a new artifact, collect
/// superseded artifacts, and mark Ready; a failed phase maps to its condition, a warning event and a retry (or Stalled
/// for a configuration error). The kind's <see cref="SourceOrigin"/> supplies the fetch, the build and the wording.
/// </summary>
internal sealed class SourcePipeline(ArtifactStore store, SourceReconcilerOptions options, TimeProvider time)
{
    public async Task<SourceOutcome> RunAsync(SourceOrigin origin, ArtifactOwner owner, long generation,
        IReadOnlyList<Condition>? previousConditions, Artifact? previousArtifact, TimeSpan interval, CancellationToken cancellationToken)
    {
        var conditions = new ConditionSet(previousConditions, generation, time);
        var events = new List<ReconcileEvent>();
        var run = new SourceRun(owner, generation, previousArtifact, conditions, store, options, time);
        var progress = "reconciliation in progress";
        MarkProgressing(conditions, progress, drift: false);
        try
        {
            (var artifact, progress) = await CheckStoredArtifactAsync(previousArtifact, progress, conditions, events, cancellationToken);

            var revision = await PhaseAsync(() => origin.FetchAsync(run, cancellationToken));
            conditions.Delete(ConditionTypes.FetchFailed);

            var rebuilt = artifact is null || artifact.Revision != revision || origin.ContentConfigChanged;
            if (!rebuilt)
            {
                if (previousConditions?.Any(c => c.Type is ConditionTypes.FetchFailed or ConditionTypes.StorageOperationFailed) == true)
                    events.Add(new ReconcileEvent(ReconcileEvent.Normal, ConditionReasons.Succeeded, origin.RecoveredMessage(artifact!)));
            }
            else
            {
                var news = origin.NewRevision(revision);
                progress = "building artifact: " + news;
                if (artifact is not null)
                    conditions.MarkTrue(ConditionTypes.ArtifactOutdated, ConditionReasons.NewRevision, news);
                MarkProgressing(conditions, progress, drift: true);
                var built = await BuildAsync(origin, run, cancellationToken);
                if (built.Digest != previousArtifact?.Digest)
                    events.Add(new ReconcileEvent(ReconcileEvent.Normal, ConditionReasons.NewArtifact, origin.NewArtifactMessage(built),
                        SourceReconcileSteps.ArtifactAnnotations(built)));
                artifact = built;
            }
            store.CollectGarbage(owner, options.ArtifactRetention, artifact!.Path);

            MarkReady(conditions, origin.ReadyMessage(artifact));
            return new SourceOutcome(conditions.ToList(), events, Requeue.AfterInterval(interval))
            {
                Artifact = artifact with { Url = options.ArtifactUrl(artifact.Path) },
                Rebuilt = rebuilt,
                Observed = true,
            };
        }
        catch (ReconcileFailure failure)
        {
            var (type, status) = origin.FailureCondition(failure);
            if (status)
                conditions.MarkTrue(type, failure.Reason, failure.Message);
            else
                conditions.MarkFalse(type, failure.Reason, failure.Message);
            conditions.MarkFalse(ConditionTypes.Ready, failure.Reason, failure.Message);
            events.Add(new ReconcileEvent(ReconcileEvent.Warning, failure.Reason, failure.Message));
            if (failure.Terminal)
            {
                conditions.MarkStalled(failure.Reason, failure.Message);
                return new SourceOutcome(conditions.ToList(), events, Requeue.OnChange) { Observed = true };
            }
            conditions.MarkReconciling(ConditionReasons.ProgressingWithRetry, progress);
            return new SourceOutcome(conditions.ToList(), events, Requeue.WithBackoff(interval));
        }
    }

    /// <summary>Runs the build; failing to write the artifact is a storage failure.</summary>
    private static async Task<Artifact> BuildAsync(SourceOrigin origin, SourceRun run, CancellationToken cancellationToken)
    {
        try
        {
            return await PhaseAsync(() => origin.BuildAsync(run, cancellationToken));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ReconcileFailure(ConditionReasons.ArchiveOperationFailed, $"unable to archive artifact to storage: {e.Message}", inner: e);
        }
    }

    /// <summary>A fetch failure reported by the sources layer becomes the reconcile's failure, with its reason.</summary>
    private static async Task<T> PhaseAsync<T>(Func<Task<T>> phase)
    {
        try
        {
            return await phase();
        }
        catch (SourceFetchException e)
        {
            throw new ReconcileFailure(e.Reason, e.Message, e.Terminal, e);
        }
    }

    /// <summary>Flux's ProgressiveStatus: Reconciling=True, and Ready=Unknown when there is news or no Ready yet.</summary>
    internal static void MarkProgressing(ConditionSet conditions, string message, bool drift)
    {
        conditions.MarkReconciling(ConditionReasons.Progressing, message);
        if (drift || !conditions.Has(ConditionTypes.Ready) || conditions.Get(ConditionTypes.Ready)!.Status == ConditionStatus.Unknown)
            conditions.MarkUnknown(ConditionTypes.Ready, ConditionReasons.Progressing, message);
    }

    /// <summary>The artifact in the status, verified against the store; when it is missing, gone or corrupt, the
    /// conditions say that an artifact is being built, and the progress message returned says so too.</summary>
    internal async Task<(Artifact? Artifact, string Progress)> CheckStoredArtifactAsync(Artifact? previous, string progress,
        ConditionSet conditions, List<ReconcileEvent> events, CancellationToken cancellationToken)
    {
        var artifact = await VerifyStoredArtifactAsync(previous, events, cancellationToken);
        if (artifact is not null)
            return (artifact, progress);
        progress = previous is null ? "building artifact" : "building artifact: disappeared from storage";
        MarkProgressing(conditions, progress, drift: true);
        conditions.Delete(ConditionTypes.ArtifactInStorage);
        return (null, progress);
    }

    /// <summary>The artifact in the status, if its file is still in the store with the same digest.</summary>
    private async Task<Artifact?> VerifyStoredArtifactAsync(Artifact? artifact, List<ReconcileEvent> events, CancellationToken cancellationToken)
    {
        if (artifact is null || !store.Exists(artifact.Path))
            return null;
        if (await store.VerifyAsync(artifact.Path, artifact.Digest, cancellationToken))
            return artifact;
        events.Add(new ReconcileEvent(ReconcileEvent.Warning, "ArtifactVerificationFailed",
            $"failed to verify integrity of artifact: computed digest of '{artifact.Path}' does not match '{artifact.Digest}'"));
        return null;
    }

    /// <summary>ArtifactInStorage and Ready true; the in-progress and failure conditions gone.</summary>
    internal static void MarkReady(ConditionSet conditions, string message)
    {
        conditions.Delete(ConditionTypes.FetchFailed);
        conditions.Delete(ConditionTypes.ArtifactOutdated);
        conditions.Delete(ConditionTypes.StorageOperationFailed);
        conditions.Delete(ConditionTypes.IncludeUnavailable);
        conditions.MarkTrue(ConditionTypes.ArtifactInStorage, ConditionReasons.Succeeded, message);
        conditions.Delete(ConditionTypes.Reconciling);
        conditions.Delete(ConditionTypes.Stalled);
        conditions.MarkTrue(ConditionTypes.Ready, ConditionReasons.Succeeded, message);
    }
}
