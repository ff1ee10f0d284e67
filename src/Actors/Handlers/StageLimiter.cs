using System.Diagnostics;
using Tide.Actors.Cluster;

namespace Tide.Actors.Handlers;

/// <summary>A per-node bound on concurrent work of one stage (fetch, apply), so one slow stage never starves the rest.
/// Reports its queue (work waiting for a slot, and how long it waited) as controller-runtime's workqueue metrics.</summary>
public sealed class StageLimiter : IDisposable
{
    private readonly SemaphoreSlim _slots;
    private int _waiting;
    private int _busy;

    /// <param name="stage">The stage's name in metrics (workqueue name="fetch", "apply"); empty: not reported.</param>
    public StageLimiter(int concurrency, string stage = "")
    {
        _slots = new SemaphoreSlim(Math.Max(1, concurrency));
        Stage = stage;
        if (stage.Length > 0)
            TideMetrics.WatchStage(this);
    }

    public string Stage { get; }

    /// <summary>Work waiting for a slot.</summary>
    public int Waiting => Volatile.Read(ref _waiting);

    /// <summary>Work holding a slot.</summary>
    public int Busy => Volatile.Read(ref _busy);

    /// <summary>Stops reporting the stage (its node stopped).</summary>
    public void Dispose() => TideMetrics.ForgetStage(this);

    public async Task<T> RunAsync<T>(Func<Task<T>> work, CancellationToken ct)
    {
        var queued = Stopwatch.GetTimestamp();
        Interlocked.Increment(ref _waiting);
        try
        {
            await _slots.WaitAsync(ct);
        }
        finally
        {
            Interlocked.Decrement(ref _waiting);
        }
        if (Stage.Length > 0)
            TideMetrics.StageWaited(Stage, Stopwatch.GetElapsedTime(queued));
        Interlocked.Increment(ref _busy);
        try
        {
            return await work();
        }
        finally
        {
            Interlocked.Decrement(ref _busy);
            _slots.Release();
        }
    }
}
