using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Tide.Engine.Canaries;

/// <summary>Runs instant PromQL queries against one Prometheus, as Flagger's prometheus provider: whitespace
/// collapsed, bearer token or basic auth from the MetricTemplate's Secret, a 5 second timeout, the first sample's value.</summary>
public sealed partial class PrometheusClient
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);
    private readonly HttpClient _http;
    private readonly Uri _address;
    private readonly AuthenticationHeaderValue? _auth;
    private readonly IReadOnlyDictionary<string, IReadOnlyList<string>> _headers;

    /// <param name="credentials">The Secret's data (token, or username and password); null without secretRef.</param>
    public PrometheusClient(HttpClient http, string address, IReadOnlyDictionary<string, byte[]>? credentials = null,
        IReadOnlyDictionary<string, IReadOnlyList<string>>? headers = null)
    {
        if (string.IsNullOrEmpty(address) || !Uri.TryCreate(address, UriKind.Absolute, out var uri) ||
            uri.Scheme is not ("http" or "https"))
            throw new MetricQueryException($"prometheus address {address} is not a valid URL");
        _http = http;
        _address = uri;
        _headers = headers ?? new Dictionary<string, IReadOnlyList<string>>();
        if (credentials is null)
            return;
        if (credentials.TryGetValue("token", out var token))
        {
            _auth = new AuthenticationHeaderValue("Bearer", Encoding.UTF8.GetString(token));
            return;
        }
        if (!credentials.TryGetValue("username", out var username))
            throw new MetricQueryException("prometheus credentials does not contain a username");
        if (!credentials.TryGetValue("password", out var password))
            throw new MetricQueryException("prometheus credentials does not contain a password");
        _auth = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(
            Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(username) + ":" + Encoding.UTF8.GetString(password))));
    }

    public async Task<double> RunQueryAsync(string query, CancellationToken ct)
    {
        var trimmed = Whitespace().Replace(query, " ");
        var url = new Uri(_address, _address.AbsolutePath.TrimEnd('/') + "/api/v1/query?query=" + Uri.EscapeDataString(trimmed));
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        foreach (var (name, values) in _headers)
            request.Headers.TryAddWithoutValidation(name, values);
        request.Headers.Authorization = _auth;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(Timeout);
        string body;
        int status;
        try
        {
            using var response = await _http.SendAsync(request, timeout.Token);
            body = await response.Content.ReadAsStringAsync(timeout.Token);
            status = (int)response.StatusCode;
        }
        catch (Exception e) when (e is HttpRequestException || (e is OperationCanceledException && !ct.IsCancellationRequested))
        {
            throw new MetricQueryException($"request failed: Get \"{url}\": {(e is OperationCanceledException ? "timeout" : e.Message)}");
        }
        if (status >= 400)
            throw new MetricQueryException($"error response: Status {status}: {body.Trim()}");
        JsonNode? data;
        try
        {
            data = JsonNode.Parse(body)?["data"];
        }
        catch (JsonException e)
        {
            throw new MetricQueryException($"error unmarshaling result: {e.Message}, '{body}'");
        }
        double? value = null;
        // A scalar result is [time, "value"]; a vector's is a list of samples, the last one's value wins as in Flagger.
        var samples = (string?)data?["resultType"] == "scalar"
            ? [new JsonObject { ["value"] = data!["result"]?.DeepClone() }]
            : data?["result"] as JsonArray ?? [];
        foreach (var sample in samples.OfType<JsonObject>())
        {
            if (sample["values"] is not null)
                throw new MetricQueryException("query returned multiple values");
            if ((string?)sample["value"]?[1] is { } text &&
                double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed))
                value = parsed;
        }
        if (value is not { } found || double.IsNaN(found))
            throw new MetricQueryException("no values found", noValues: true);
        return found;
    }

    /// <summary>Whether Prometheus answers (vector(1) is 1); the error says why not.</summary>
    public async Task CheckOnlineAsync(CancellationToken ct)
    {
        double value;
        try
        {
            value = await RunQueryAsync("vector(1)", ct);
        }
        catch (MetricQueryException e)
        {
            throw new MetricQueryException($"running query failed: {e.Message}");
        }
        if (value != 1)
            throw new MetricQueryException("value is not 1 for query: vector(1)");
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
