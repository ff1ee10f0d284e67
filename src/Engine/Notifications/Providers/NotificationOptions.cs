namespace Tide.Engine.Notifications.Providers;

/// <summary>How notifications are retried and rate limited (Flux's values by default).</summary>
public sealed record NotificationOptions
{
    /// <summary>Retries after the first attempt of a request that failed with a connection error, 429 or a 5xx
    /// (but 501), each within the Provider's timeout (notification-controller's retrying client: 4).</summary>
    public int RetryMax { get; init; } = 4;

    /// <summary>The first wait between attempts; it doubles up to <see cref="RetryWaitMax"/>.</summary>
    public TimeSpan RetryWaitMin { get; init; } = TimeSpan.FromSeconds(2);

    public TimeSpan RetryWaitMax { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>An event equal to one sent within this interval (same object, message and revision) is dropped
    /// (notification-controller's --rate-limit-interval, 5m).</summary>
    public TimeSpan RateLimitInterval { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>How often the cluster's leader sends the events still in the outbox (a Provider that was down, a node
    /// that died mid-send); only events older than this are taken, the newer may still be under way.</summary>
    public TimeSpan RedeliveryInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Refuse events of objects in other namespaces than the Alert's (Flux's --no-cross-namespace-refs).</summary>
    public bool NoCrossNamespaceRefs { get; init; }

    /// <summary>Stands for the node in events sent (reportingInstance).</summary>
    public string ReportingInstance { get; init; } = Environment.MachineName;
}
