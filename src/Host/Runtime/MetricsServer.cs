using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using Tide.Actors.Cluster;

namespace Tide.Host.Runtime;

/// <summary>Serves the node's metrics (<see cref="TideMetrics"/>) at <c>GET /metrics</c> in Prometheus' text format,
/// through OpenTelemetry's Prometheus exporter.</summary>
public static class MetricsServer
{
    public static Task<HttpEndpoint> StartAsync(string host, int port, CancellationToken ct) =>
        HttpEndpoint.StartAsync(host, port, app => app.MapPrometheusScrapingEndpoint(), ct,
            services => services.AddOpenTelemetry().WithMetrics(metrics => metrics
                .AddMeter(TideMetrics.MeterName)
                .AddPrometheusExporter()));
}
