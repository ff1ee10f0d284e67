using System.Diagnostics;

namespace Tide.Bench;

/// <summary>Counts the node's Kustomization builds from outside: the reconciler unpacks the source artifact into a
/// fresh <c>work/kustomization-&lt;id&gt;</c> directory for every build (see KustomizationReconciler), so each such
/// directory created is one build. A reconcile that stops before the build (a dependency not ready) is not counted.
/// </summary>
internal sealed class BuildCounter : IDisposable
{
    private readonly FileSystemWatcher _watcher;
    private int _count;
    private long _lastBuild = Stopwatch.GetTimestamp();

    public BuildCounter(string workDirectory)
    {
        Directory.CreateDirectory(workDirectory);
        _watcher = new FileSystemWatcher(workDirectory, "kustomization-*")
        {
            NotifyFilter = NotifyFilters.DirectoryName,
            IncludeSubdirectories = false,
            InternalBufferSize = 64 * 1024,
        };
        _watcher.Created += (_, _) =>
        {
            Interlocked.Increment(ref _count);
            Interlocked.Exchange(ref _lastBuild, Stopwatch.GetTimestamp());
        };
        _watcher.Error += (_, _) => Lost = true;
        _watcher.EnableRaisingEvents = true;
    }

    public int Count => Volatile.Read(ref _count);

    /// <summary>The watcher's queue overflowed: the count is a lower bound.</summary>
    public bool Lost { get; private set; }

    /// <summary>Waits until no build has started for <paramref name="quiet"/>: the node has finished what the last
    /// change made it do, so the next scenario starts on an idle node.</summary>
    public async Task SettleAsync(TimeSpan quiet, TimeSpan timeout, CancellationToken ct)
    {
        var waited = Stopwatch.StartNew();
        while (Stopwatch.GetElapsedTime(Interlocked.Read(ref _lastBuild)) < quiet)
        {
            if (waited.Elapsed > timeout)
                throw new TimeoutException($"the node kept building for {timeout.TotalSeconds:F0}s after the scenario");
            await Task.Delay(100, ct);
        }
    }

    public void Dispose() => _watcher.Dispose();
}
