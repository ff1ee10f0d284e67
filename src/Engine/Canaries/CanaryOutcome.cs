using Tide.Engine.Api;
using Tide.Engine.Reconcilers;

namespace Tide.Engine.Canaries;

/// <summary>What one step of a Canary did: the status to write, the events to record, the alerts to post, and when
/// to step again (null: not until the Canary changes).</summary>
public sealed record CanaryOutcome(CanaryStatus Status, IReadOnlyList<ReconcileEvent> Events,
    IReadOnlyList<CanaryAlertMessage> Alerts, TimeSpan? RequeueAfter)
{
    /// <summary>An exception no failure mapping knew (already in the status as Ready=False), for the log.</summary>
    public Exception? Error { get; init; }
}
