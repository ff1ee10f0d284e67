using System.Threading.RateLimiting;

namespace Tide.Engine.Kube;

/// <summary>Makes every request of a client wait for a token of its cluster's bucket (<see cref="ClusterLimits"/>).</summary>
internal sealed class RateLimitingHandler : DelegatingHandler
{
    private readonly TokenBucketRateLimiter _bucket;

    public RateLimitingHandler(ClusterLimits limits)
    {
        // Tokens come in small portions about 20 times a second rather than all at once each second, so that a
        // sustained rate is smooth.
        var perPeriod = Math.Max(1, (int)Math.Ceiling(limits.Qps / 20));
        _bucket = new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            TokenLimit = Math.Max(perPeriod, limits.Burst),
            TokensPerPeriod = perPeriod,
            ReplenishmentPeriod = TimeSpan.FromSeconds(perPeriod / limits.Qps),
            QueueLimit = int.MaxValue,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
            AutoReplenishment = true,
        });
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        using var lease = await _bucket.AcquireAsync(1, ct);
        return await base.SendAsync(request, ct);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
            _bucket.Dispose();
        base.Dispose(disposing);
    }
}
