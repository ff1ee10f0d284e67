namespace Tide.Actors.Entities;

/// <summary>
/// When an entity runs next: the interval spread by jitter after a success; after failures an exponential backoff
/// from <see cref="BackoffMin"/> that never exceeds the object's retry interval.
/// </summary>
public sealed class ReconcileTiming(TimeSpan backoffMin, double jitter, Random? random = null)
{
    private readonly Random _random = random ?? Random.Shared;
    private int _failures;

    public TimeSpan BackoffMin { get; } = backoffMin;

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
        var backoff = BackoffMin.TotalMilliseconds * Math.Pow(2, Math.Min(_failures - 1, 20));
        return TimeSpan.FromMilliseconds(Math.Min(backoff, Math.Max(requeueAfter.TotalMilliseconds, BackoffMin.TotalMilliseconds)));
    }
}
