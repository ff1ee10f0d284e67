namespace Tide.Engine.Kube;

/// <summary>
/// Client-side limits on the requests Tide sends one cluster, as client-go's QPS and burst (Flux's --kube-api-qps and
/// --kube-api-burst): a token bucket refilled at <see cref="Qps"/> per second that holds at most <see cref="Burst"/>
/// tokens; a request waits for a token. A busy or slow cluster then queues its own requests and nobody else's.
/// </summary>
public sealed record ClusterLimits
{
    /// <summary>No limit: every request goes at once.</summary>
    public static ClusterLimits Unlimited { get; } = new();

    /// <summary>Sustained requests per second; 0: no limit.</summary>
    public double Qps { get; init; }

    /// <summary>Requests that may go at once after a quiet period.</summary>
    public int Burst { get; init; } = 1;
}
