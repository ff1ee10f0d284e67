namespace Tide.Actors.Entities;

/// <summary>
/// When an entity runs next: the interval spread by jitter after a success; after a failure its retry interval
/// exactly (a Kustomization's spec.retryInterval, as kustomize-controller), or, for failures that ask for it
/// (sources, as source-controller's rate limiter), an exponential backoff from <see cref="BackoffMin"/> to
/// <see cref="BackoffMax"/>.
/// </summary>
public sealed class ReconcileTiming(TimeSpan backoffMin, TimeSpan backoffMax, double jitter, Random? random = null)
{
    private readonly Random _random = random ?? Random.Shared;
    private int _failures;

    public TimeSpan BackoffMin { get; } = backoffMin;

    public TimeSpan BackoffMax { get; } = backoffMax < backoffMin ? backoffMin : backoffMax;

    public int ConsecutiveFailures => _failures;

    /// <summary>When to run again; null when the outcome asks to wait for a change of the object.</summary>
    public TimeSpan? Next(ReconcileOutcome outcome)
    {
        if (outcome.RequeueAfter is not { } requeueAfter)
            return null;
        if (outcome.Succeeded)
        {
            _failures = 0;
            var spread = requeueAfter.TotalMilliseconds * jitter * (_random.NextDouble() * 2 - 1);
            return requeueAfter + TimeSpan.FromMilliseconds(spread);
        }
        _failures++;
        if (!outcome.Backoff)
            return requeueAfter;
        var backoff = BackoffMin.TotalMilliseconds * Math.Pow(2, Math.Min(_failures - 1, 30));
        return TimeSpan.FromMilliseconds(Math.Min(backoff, BackoffMax.TotalMilliseconds));
    }
}
