namespace Tide.Engine.Reconcilers;

/// <summary>See <see cref="Requeue"/>.</summary>
public enum RequeueMode
{
    Interval,
    /// <summary>Failed: retry after the given interval exactly.</summary>
    Retry,
    /// <summary>Failed: retry on the exponential backoff.</summary>
    Backoff,
    OnChange,
    /// <summary>Applied; health checks are still waiting: check again after the interval (not a full reconcile).</summary>
    HealthCheck,
}
