using System.Diagnostics;
using System.Text.Json.Nodes;
using Tide.Engine.Kube;

namespace Tide.Bench;

/// <summary>Lists and watches one kind in one namespace, and records for each object the first moment it meets a
/// condition a benchmark waits for. One watch instead of a poll per object: the time is taken when the event reaches
/// the benchmark, so it includes the API server's watch delivery (well under a millisecond on loopback).</summary>
internal sealed class ObjectWatch : IAsyncDisposable
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, JsonObject> _latest = new(StringComparer.Ordinal);
    private readonly List<Expectation> _expectations = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly KubeClient _kube;
    private readonly string _apiVersion;
    private readonly string _kind;
    private readonly string _namespace;
    private Task _loop = Task.CompletedTask;

    private ObjectWatch(KubeClient kube, string apiVersion, string kind, string @namespace)
    {
        _kube = kube;
        _apiVersion = apiVersion;
        _kind = kind;
        _namespace = @namespace;
    }

    public static async Task<ObjectWatch> StartAsync(KubeClient kube, string apiVersion, string kind, string @namespace,
        CancellationToken ct)
    {
        var watch = new ObjectWatch(kube, apiVersion, kind, @namespace);
        var from = await watch.RelistAsync(ct);
        watch._loop = watch.RunAsync(from);
        return watch;
    }

    /// <summary>Waits until every named object meets <paramref name="condition"/>; returns, per name, the milliseconds
    /// from <paramref name="since"/> (a <see cref="Stopwatch"/> timestamp) to the first state that met it.</summary>
    public async Task<IReadOnlyDictionary<string, double>> WaitAsync(IReadOnlyCollection<string> names,
        Func<JsonObject, bool> condition, long since, TimeSpan timeout, string what, CancellationToken ct)
    {
        var expectation = new Expectation(names.ToHashSet(StringComparer.Ordinal), condition, since);
        lock (_gate)
        {
            _expectations.Add(expectation);
            foreach (var name in names)
            {
                if (_latest.TryGetValue(name, out var current))
                    expectation.Offer(name, current);
            }
        }
        try
        {
            await expectation.Done.Task.WaitAsync(timeout, ct);
        }
        catch (TimeoutException)
        {
            string detail;
            lock (_gate)
            {
                var missing = expectation.Missing().ToList();
                var sample = missing.Select(n => _latest.GetValueOrDefault(n)?["status"]?.ToJsonString() ?? "(not seen)").First();
                detail = $"{missing.Count} of {names.Count} still missing, e.g. {missing[0]}: {sample}";
            }
            var failure = _loop.IsFaulted ? $" (watch failed: {_loop.Exception?.GetBaseException().Message})" : "";
            throw new TimeoutException($"{what}: not reached within {timeout.TotalSeconds:F0}s; {detail}{failure}");
        }
        finally
        {
            lock (_gate)
                _expectations.Remove(expectation);
        }
        return expectation.Arrived;
    }

    private async Task RunAsync(string from)
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                await foreach (var e in _kube.WatchAsync(_apiVersion, _kind, _namespace, from, null, _stop.Token))
                {
                    if (e.ResourceVersion is { } version)
                        from = version;
                    if (e.Type is "ADDED" or "MODIFIED")
                        Observe(e.Object);
                }
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (KubeApiException e) when (e.IsGone)
            {
                from = await RelistAsync(_stop.Token);
            }
            catch (Exception e) when (e is HttpRequestException or IOException)
            {
                // The stream broke; continue from the last version seen.
                await Task.Delay(100, _stop.Token);
            }
        }
    }

    private async Task<string> RelistAsync(CancellationToken ct)
    {
        var list = await _kube.ListAsync(_apiVersion, _kind, _namespace, null, ct);
        foreach (var item in list.Items)
            Observe(item);
        return list.ResourceVersion;
    }

    private void Observe(JsonObject obj)
    {
        var name = obj["metadata"]?["name"]?.GetValue<string>();
        if (name is null)
            return;
        lock (_gate)
        {
            _latest[name] = obj;
            foreach (var expectation in _expectations)
                expectation.Offer(name, obj);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _loop;
        }
        catch (Exception)
        {
            // A failed watch was reported by the wait that missed its events; stopping is all that is left.
        }
        _stop.Dispose();
    }

    private sealed class Expectation(HashSet<string> names, Func<JsonObject, bool> condition, long since)
    {
        private readonly Dictionary<string, double> _arrived = new(StringComparer.Ordinal);

        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public IReadOnlyDictionary<string, double> Arrived => _arrived;

        public IEnumerable<string> Missing() => names.Where(n => !_arrived.ContainsKey(n)).Order(StringComparer.Ordinal);

        public void Offer(string name, JsonObject obj)
        {
            if (!names.Contains(name) || _arrived.ContainsKey(name) || !condition(obj))
                return;
            _arrived[name] = Stopwatch.GetElapsedTime(since).TotalMilliseconds;
            if (_arrived.Count == names.Count)
                Done.TrySetResult();
        }
    }
}
