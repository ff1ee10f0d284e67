using Tide.ApiServer.Http;

namespace Tide.ApiServer.Faults;

/// <summary>Decides, per request, whether to delay it and whether to fail it with 429 or 500.</summary>
internal sealed class FaultInjector(FaultOptions options)
{
    private readonly Random _random = options.Seed is { } seed ? new Random(seed) : new Random();

    public FaultOptions Options => options;

    public async Task BeforeAsync(string verb, CancellationToken ct)
    {
        if (options.Latency > TimeSpan.Zero) await Task.Delay(options.Latency, ct);
        if (Roll(options.TooManyRequestsRate, verb))
        {
            throw ApiException.TooManyRequests("the server has received too many requests and has asked us to try again later (injected)");
        }
        if (Roll(options.InternalErrorRate, verb)) throw ApiException.Internal("an error on the server has been injected");
    }

    private bool Roll(IReadOnlyDictionary<string, double> rates, string verb)
    {
        if (!rates.TryGetValue(verb, out var rate) && !rates.TryGetValue("*", out rate)) return false;
        lock (_random) return _random.NextDouble() < rate;
    }
}
