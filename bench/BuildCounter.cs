using System.Diagnostics;
using System.Diagnostics.Metrics;
using Tide.Engine.Reconcilers;
using Tide.Engine.Reconcilers.Kustomizations;

namespace Tide.Bench;

/// <summary>Counts the node's Kustomization builds (the node runs in this process) from the reconciler's build
/// counter. A reconcile that stops before the build (a dependency not ready) is not counted.</summary>
internal sealed class BuildCounter : IDisposable
{
    private readonly MeterListener _listener = new();
    private int _count;
    private long _lastBuild = Stopwatch.GetTimestamp();

    public BuildCounter()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == KustomizationBuilder.MeterName && instrument.Name == KustomizationBuilder.BuildsCounterName)
                listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<long>((_, value, _, _) =>
        {
            Interlocked.Add(ref _count, (int)value);
            Interlocked.Exchange(ref _lastBuild, Stopwatch.GetTimestamp());
        });
        _listener.Start();
    }

    public int Count => Volatile.Read(ref _count);

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

    public void Dispose() => _listener.Dispose();
}
