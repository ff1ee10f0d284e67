namespace Tide.ApiServer.Faults;

/// <summary>Faults to inject for reliability tests. Rates are per verb (get, list, watch, create, update, patch,
/// delete, deletecollection; "*" for every verb), between 0 and 1. Discovery and health endpoints are never faulted.</summary>
public sealed record FaultOptions
{
    public static FaultOptions None { get; } = new();

    /// <summary>Added to every resource request before it is served.</summary>
    public TimeSpan Latency { get; init; }

    /// <summary>Share of requests answered 429 TooManyRequests with Retry-After.</summary>
    public IReadOnlyDictionary<string, double> TooManyRequestsRate { get; init; } = new Dictionary<string, double>();

    /// <summary>Share of requests answered 500 InternalError.</summary>
    public IReadOnlyDictionary<string, double> InternalErrorRate { get; init; } = new Dictionary<string, double>();

    /// <summary>Share of requests whose connection is closed without an answer (a dropped connection).</summary>
    public IReadOnlyDictionary<string, double> ConnectionDropRate { get; init; } = new Dictionary<string, double>();

    public TimeSpan RetryAfter { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Watches end after delivering this many events.</summary>
    public int? WatchCloseAfterEvents { get; init; }

    /// <summary>Watches end after this long (before timeoutSeconds).</summary>
    public TimeSpan? WatchCloseAfter { get; init; }

    /// <summary>Seed of the random choices, for reproducible runs.</summary>
    public int? Seed { get; init; }
}
