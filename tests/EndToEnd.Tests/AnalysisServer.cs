using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Tide.Testing;

namespace Tide.EndToEnd.Tests;

/// <summary>
/// What a Canary's analysis talks to, on one loopback port: the canary pods' HTTP metrics as a Prometheus exporter
/// (GET /metrics: every scrape counts 100 more requests of the success rate and latency the test sets), and
/// webhooks (POST /hooks/&lt;name&gt;) that record each payload and answer with the status the test sets (200 unless
/// told otherwise).
/// </summary>
public sealed class AnalysisServer : IAsyncDisposable
{
    private static readonly double[] Buckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
    private readonly LoopbackHttpListener _listener;
    private readonly string _namespace;
    private readonly string _pod;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, HttpStatusCode> _answers = [];
    private readonly List<(string Hook, JsonObject Payload)> _calls = [];
    private double _successRate = 1;
    private double _latency = 0.02;
    private long _successes;
    private long _errors;
    private readonly long[] _bucketCounts = new long[Buckets.Length];
    private long _observations;

    private AnalysisServer(string ns, string pod)
    {
        _namespace = ns;
        _pod = pod;
        _listener = LoopbackHttpListener.Start(HandleAsync);
    }

    public int Port => _listener.Port;

    /// <summary>host:port, for Prometheus' scrape config.</summary>
    public string Target => $"127.0.0.1:{Port}";

    public string HookUrl(string name) => $"http://127.0.0.1:{Port}/hooks/{name}";

    /// <param name="pod">The kubernetes_pod_name label of the series (a canary pod's name).</param>
    public static AnalysisServer Start(string ns, string pod) => new(ns, pod);

    /// <summary>The share of requests that answer 2xx (the rest answer 500) and their latency, from the next scrape on.</summary>
    public void Serve(double successRate, double latencySeconds = 0.02)
    {
        lock (_lock)
        {
            _successRate = successRate;
            _latency = latencySeconds;
        }
    }

    public void Answer(string hook, HttpStatusCode status)
    {
        lock (_lock)
            _answers[hook] = status;
    }

    public IReadOnlyList<JsonObject> Calls(string hook)
    {
        lock (_lock)
            return _calls.Where(c => c.Hook == hook).Select(c => c.Payload).ToList();
    }

    private string Scrape()
    {
        lock (_lock)
        {
            const int requests = 100;
            var ok = (long)Math.Round(requests * _successRate);
            _successes += ok;
            _errors += requests - ok;
            for (var i = 0; i < Buckets.Length; i++)
                if (_latency <= Buckets[i])
                    _bucketCounts[i] += requests;
            _observations += requests;
            var labels = $"kubernetes_namespace=\"{_namespace}\",kubernetes_pod_name=\"{_pod}\"";
            var text = new StringBuilder();
            text.Append(CultureInfo.InvariantCulture, $"http_request_duration_seconds_count{{{labels},status=\"200\"}} {_successes}\n");
            text.Append(CultureInfo.InvariantCulture, $"http_request_duration_seconds_count{{{labels},status=\"500\"}} {_errors}\n");
            for (var i = 0; i < Buckets.Length; i++)
                text.Append(CultureInfo.InvariantCulture, $"http_request_duration_seconds_bucket{{{labels},le=\"{Buckets[i]}\"}} {_bucketCounts[i]}\n");
            text.Append(CultureInfo.InvariantCulture, $"http_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} {_observations}\n");
            return text.ToString();
        }
    }

    private async Task HandleAsync(HttpListenerContext context)
    {
        var path = context.Request.Url?.AbsolutePath ?? "";
        var status = HttpStatusCode.OK;
        var body = "";
        if (path == "/metrics")
        {
            body = Scrape();
        }
        else if (path.StartsWith("/hooks/", StringComparison.Ordinal))
        {
            var hook = path["/hooks/".Length..];
            using var reader = new StreamReader(context.Request.InputStream);
            var payload = JsonNode.Parse(await reader.ReadToEndAsync())!.AsObject();
            lock (_lock)
            {
                _calls.Add((hook, payload));
                status = _answers.GetValueOrDefault(hook, HttpStatusCode.OK);
            }
            body = status == HttpStatusCode.OK ? "approved" : $"{hook} says no";
        }
        else
        {
            status = HttpStatusCode.NotFound;
        }
        context.Response.StatusCode = (int)status;
        await context.Response.OutputStream.WriteAsync(Encoding.UTF8.GetBytes(body));
    }

    public ValueTask DisposeAsync() => _listener.DisposeAsync();
}
