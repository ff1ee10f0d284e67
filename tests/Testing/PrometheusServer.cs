using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Tide.Testing;

/// <summary>A real Prometheus (Debian's `prometheus`) on a free loopback port, scraping the given targets every
/// second into a temporary directory, queried over its HTTP API.</summary>
public sealed class PrometheusServer : IAsyncDisposable
{
    private static readonly HttpClient Http = new();
    private readonly LoopbackServerProcess _process;
    private readonly string _root;

    private PrometheusServer(string root, LoopbackServerProcess process)
    {
        _root = root;
        _process = process;
    }

    /// <summary>Its HTTP API's base URL.</summary>
    public string Url => $"http://127.0.0.1:{_process.Port}";

    /// <param name="targets">host:port of each endpoint serving /metrics.</param>
    public static async Task<PrometheusServer> StartAsync(IEnumerable<string> targets, CancellationToken cancellationToken = default)
    {
        var root = Directory.CreateTempSubdirectory("tide-prometheus-").FullName;
        var port = FreePort.Next();
        var config = Path.Combine(root, "prometheus.yml");
        await File.WriteAllTextAsync(config, $$"""
            global:
              scrape_interval: 1s
              scrape_timeout: 1s
            scrape_configs:
              - job_name: tide
                static_configs:
                  - targets: [{{string.Join(", ", targets.Select(t => $"'{t}'"))}}]
            """, cancellationToken);
        try
        {
            var process = await LoopbackServerProcess.StartAsync(new ProcessStartInfo("prometheus", [
                "--config.file=" + config, "--storage.tsdb.path=" + Path.Combine(root, "data"),
                $"--web.listen-address=127.0.0.1:{port}", "--log.level=warn",
            ]), port, cancellationToken);
            return new PrometheusServer(root, process);
        }
        catch
        {
            TempDirectory.DeleteQuietly(root);
            throw;
        }
    }

    /// <summary>Evaluates a PromQL instant query; returns each series' labels and value.</summary>
    public async Task<IReadOnlyList<(JsonObject Labels, string Value)>> QueryAsync(string promql)
    {
        var json = await Http.GetStringAsync($"{Url}/api/v1/query?query={Uri.EscapeDataString(promql)}");
        var result = JsonNode.Parse(json)!["data"]!["result"]!.AsArray();
        return result.Select(r => (r!["metric"]!.AsObject(), r["value"]![1]!.GetValue<string>())).ToList();
    }

    public async ValueTask DisposeAsync()
    {
        await _process.DisposeAsync();
        TempDirectory.DeleteQuietly(_root);
    }
}
