using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using Microsoft.AspNetCore.Http;
using Tide.Actors.Cluster;
using Tide.Host.Logging;

namespace Tide.Host.Runtime;

/// <summary>Serves the node's metrics (<see cref="TideMetrics"/>) at <c>GET /metrics</c> in Prometheus' text format,
/// through OpenTelemetry's Prometheus exporter, and its recent log records at <c>GET /logs?after=N</c> (JSON lines
/// numbered after N; the header X-Tide-Log-Last gives the last number) for `tide logs`.</summary>
public static class MetricsServer
{
    public const string LastHeader = "X-Tide-Log-Last";

    public static Task<HttpEndpoint> StartAsync(string host, int port, LogBuffer logs, CancellationToken ct) =>
        HttpEndpoint.StartAsync(host, port, app =>
            {
                app.MapPrometheusScrapingEndpoint();
                app.MapGet("/logs", (HttpContext context) =>
                {
                    var after = long.TryParse(context.Request.Query["after"], out var n) ? n : 0;
                    var (lines, last) = logs.After(after);
                    context.Response.Headers[LastHeader] = last.ToString(System.Globalization.CultureInfo.InvariantCulture);
                    return Results.Text(lines.Count == 0 ? "" : string.Join('\n', lines) + "\n", "application/x-ndjson");
                });
            }, ct,
            services => services.AddOpenTelemetry().WithMetrics(metrics => metrics
                .AddMeter(TideMetrics.MeterName)
                .AddPrometheusExporter()));
}
