using Tide.ApiServer.Http;

namespace Tide.ApiServer.Faults;

/// <summary>Decides, per request, whether to delay it, drop its connection, or fail it with 429 or 500. The faults
/// can change while the server runs (<see cref="Update"/>); requests delayed by the old latency then go on at once.</summary>
internal sealed class FaultInjector(FaultOptions options)
{
    private readonly Random _random = options.Seed is { } seed ? new Random(seed) : new Random();
    private volatile FaultOptions _options = options;
    private CancellationTokenSource _changed = new();

    public FaultOptions Options => _options;

    public void Update(FaultOptions faults)
    {
        var changed = Interlocked.Exchange(ref _changed, new CancellationTokenSource());
        _options = faults;
        changed.Cancel();
        changed.Dispose();
    }

    /// <summary>Applies the faults to a request; false: its connection is to be dropped without an answer.</summary>
    public async Task<bool> BeforeAsync(string verb, CancellationToken ct)
    {
        var options = _options;
        if (options.Latency > TimeSpan.Zero)
        {
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(ct, _changed.Token);
            try
            {
                await Task.Delay(options.Latency, wait.Token);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                // The faults changed: the request goes on under the new ones.
                options = _options;
            }
        }
        if (Roll(options.ConnectionDropRate, verb)) return false;
        if (Roll(options.TooManyRequestsRate, verb))
        {
            throw ApiException.TooManyRequests("the server has received too many requests and has asked us to try again later (injected)");
        }
        if (Roll(options.InternalErrorRate, verb)) throw ApiException.Internal("an error on the server has been injected");
        return true;
    }

    private bool Roll(IReadOnlyDictionary<string, double> rates, string verb)
    {
        if (!rates.TryGetValue(verb, out var rate) && !rates.TryGetValue("*", out rate)) return false;
        lock (_random) return _random.NextDouble() < rate;
    }
}
