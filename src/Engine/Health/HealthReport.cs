using Tide.Engine.Api;

namespace Tide.Engine.Health;

/// <summary>One round of health checks over a set of objects, in the order they were asked for.</summary>
public sealed record HealthReport(IReadOnlyList<ObjectHealth> Objects)
{
    /// <summary>Every object is Current (true for an empty set): the wait is over.</summary>
    public bool AllCurrent => Objects.All(o => o.Status == HealthStatus.Current);

    /// <summary>The first Failed object: it ends the wait early, as Flux's fail-fast does.</summary>
    public ObjectHealth? FirstFailed => Objects.FirstOrDefault(o => o.Status == HealthStatus.Failed);

    /// <summary>The objects that are not Current yet, with kstatus's reasons.</summary>
    public IReadOnlyList<ObjectHealth> NotReady => Objects.Where(o => o.Status != HealthStatus.Current).ToList();

    /// <summary>Flux's message when the wait ends early on Failed objects:
    /// <c>health check failed after 1.2s: failed early due to stalled resources: [Deployment/ns/name status: 'Failed': ...]</c>.</summary>
    public string FailedMessage(TimeSpan elapsed) =>
        $"health check failed after {GoDuration.Format(elapsed)}: failed early due to stalled resources: "
        + $"[{string.Join(", ", Objects.Where(o => o.Status == HealthStatus.Failed).Select(o => o.Describe()))}]";

    /// <summary>Flux's message when the timeout passes first:
    /// <c>health check failed after 5m0s: timeout waiting for: [Deployment/ns/name status: 'InProgress': ...]</c>.</summary>
    public string TimeoutMessage(TimeSpan elapsed) =>
        $"health check failed after {GoDuration.Format(elapsed)}: timeout waiting for: "
        + NotReadyList;

    /// <summary>Decides the wait after this round: <paramref name="elapsed"/> is the time since the wait began.
    /// A Failed object ends it even before the timeout; all Current ends it even at the timeout.</summary>
    public HealthVerdict Decide(TimeSpan elapsed, TimeSpan timeout)
    {
        if (AllCurrent) return new HealthVerdict(HealthOutcome.Healthy, $"Health check passed in {GoDuration.Format(elapsed)}");
        if (FirstFailed is not null) return new HealthVerdict(HealthOutcome.Failed, FailedMessage(elapsed));
        if (elapsed >= timeout) return new HealthVerdict(HealthOutcome.TimedOut, TimeoutMessage(elapsed));
        return new HealthVerdict(HealthOutcome.Waiting, $"waiting for: {NotReadyList}");
    }

    private string NotReadyList => $"[{string.Join(", ", NotReady.Select(o => o.Describe()))}]";
}
