using Tide.Engine.Api;

namespace Tide.Engine.Reconcilers;

/// <summary>What the Helm sources (HelmRepository, HelmChart), which run their own flow rather than
/// <see cref="SourcePipeline"/>'s fetch-then-build, share when a phase fails.</summary>
internal static class HelmSourceSteps
{
    /// <summary>Records a failed phase: its abnormal condition (storage problems apart from fetch problems), Ready
    /// false, a warning event, and Stalled for a configuration error. Returns when to run again.</summary>
    public static Requeue MarkFailed(
        ConditionSet conditions, ReconcileFailure failure, string progress, List<ReconcileEvent> events, TimeSpan interval)
    {
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

    /// <summary>Whether the last reconcile failed (its recovery is then worth an event).</summary>
    public static bool HadFailure(IReadOnlyList<Condition>? conditions) =>
        conditions?.Any(c => c.Type is ConditionTypes.FetchFailed or ConditionTypes.StorageOperationFailed or ConditionTypes.BuildFailed) == true;
}
