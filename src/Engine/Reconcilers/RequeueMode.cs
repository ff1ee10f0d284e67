namespace Tide.Engine.Reconcilers;

/// <summary>See <see cref="Requeue"/>.</summary>
public enum RequeueMode
{
    Interval,
    Backoff,
    OnChange,
    /// <summary>Applied; health checks are still waiting: check again after the interval (not a full reconcile).</summary>
    HealthCheck,
}
