namespace Tide.Engine.Reconcilers;

/// <summary>When the caller should run the reconciliation again.</summary>
public sealed record Requeue(RequeueMode Mode, TimeSpan Interval)
{
    /// <summary>Succeeded: run again after the interval (the caller adds jitter).</summary>
    public static Requeue AfterInterval(TimeSpan interval) => new(RequeueMode.Interval, interval);

    /// <summary>Failed but may succeed later: retry after exactly <paramref name="retryInterval"/> (a Kustomization's
    /// spec.retryInterval, as kustomize-controller requeues a failed reconcile).</summary>
    public static Requeue AfterRetryInterval(TimeSpan retryInterval) => new(RequeueMode.Retry, retryInterval);

    /// <summary>Failed but may succeed later: retry on the caller's exponential backoff (as source-controller's
    /// failures go through the controller's rate limiter). <paramref name="interval"/> is the object's interval.</summary>
    public static Requeue WithBackoff(TimeSpan interval) => new(RequeueMode.Backoff, interval);

    /// <summary>Applied, and health checks wait for objects to become ready: check them again after
    /// <paramref name="tick"/>, without holding anything in between.</summary>
    public static Requeue HealthCheckIn(TimeSpan tick) => new(RequeueMode.HealthCheck, tick);

    /// <summary>Stalled or suspended: nothing changes until the object does.</summary>
    public static Requeue OnChange { get; } = new(RequeueMode.OnChange, TimeSpan.Zero);
}
