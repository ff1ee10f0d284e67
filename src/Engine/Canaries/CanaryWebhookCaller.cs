using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Tide.Engine.Api;

namespace Tide.Engine.Canaries;

/// <summary>
/// Calls a Canary's webhooks as Flagger does: a JSON POST of {name, namespace, phase, checksum, metadata}; an answer
/// above 202 is a "no" carrying the body as its message. Connection errors and 5xx/429 answers are retried
/// spec.retries times with exponential backoff (1s doubling, at most 30s), as go-retryablehttp does; the timeout
/// (10s unless set) bounds each attempt.
/// </summary>
public sealed class CanaryWebhookCaller(HttpClient http, TimeProvider time)
{
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);

    /// <summary>Posts Flagger's payload for <paramref name="phase"/>; returns null when the hook agreed, else why not.</summary>
    public Task<string?> CallAsync(Canary canary, string phase, CanaryWebhook hook, CancellationToken ct) =>
        PostAsync(hook, Payload(canary, phase, hook.Metadata), ct);

    /// <summary>Posts an event (type "event" hooks): its message, type and time in the metadata, with the hook's own
    /// metadata added where it does not collide.</summary>
    public Task<string?> CallEventAsync(Canary canary, string phase, CanaryWebhook hook, string message, string eventType,
        CancellationToken ct)
    {
        var metadata = new Dictionary<string, string>
        {
            ["eventMessage"] = message,
            ["eventType"] = eventType,
            ["timestamp"] = time.GetUtcNow().ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture),
        };
        foreach (var (key, value) in hook.Metadata ?? new Dictionary<string, string>())
            metadata.TryAdd(key, value);
        return PostAsync(hook, Payload(canary, phase, metadata), ct);
    }

    /// <summary>The checksum Flagger sends: a hash of the tracked configs and the last applied spec.</summary>
    public static string Checksum(CanaryStatus? status) => SpecHash.Of(new JsonObject
    {
        ["TrackedConfigs"] = status?.TrackedConfigs is { } configs ? FluxJson.ToNode(configs) : null,
        ["LastAppliedSpec"] = status?.LastAppliedSpec ?? "",
    });

    private static JsonObject Payload(Canary canary, string phase, IReadOnlyDictionary<string, string>? metadata)
    {
        var payload = new JsonObject
        {
            ["name"] = canary.Metadata.Name,
            ["namespace"] = canary.Metadata.NamespaceProperty,
            ["phase"] = phase,
            ["checksum"] = Checksum(canary.Status),
        };
        if (metadata is { Count: > 0 })
            payload["metadata"] = FluxJson.ToNode(metadata);
        return payload;
    }

    private async Task<string?> PostAsync(CanaryWebhook hook, JsonObject payload, CancellationToken ct)
    {
        if (!Uri.TryCreate(hook.Url, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
            return $"parse \"{hook.Url}\": invalid URL";
        var timeout = hook.Timeout is { Length: >= 2 } written && GoDuration.TryParse(written, out var parsed) ? parsed.Value : DefaultTimeout;
        var body = payload.ToJsonString();
        var retries = Math.Max(0, hook.Retries ?? 0);
        for (var attempt = 0; ; attempt++)
        {
            string? failure;
            bool retry;
            using (var cts = CancellationTokenSource.CreateLinkedTokenSource(ct))
            {
                cts.CancelAfter(timeout);
                try
                {
                    using var response = await http.PostAsync(url, new StringContent(body, Encoding.UTF8, "application/json"), cts.Token);
                    var text = await response.Content.ReadAsStringAsync(cts.Token);
                    var status = (int)response.StatusCode;
                    if (status <= 202)
                        return null;
                    failure = text.Length > 0 ? text.Trim() : $"{status} {response.ReasonPhrase}";
                    retry = status >= 500 || response.StatusCode == HttpStatusCode.TooManyRequests;
                }
                catch (Exception e) when (e is HttpRequestException || (e is OperationCanceledException && !ct.IsCancellationRequested))
                {
                    failure = $"Post \"{hook.Url}\": {(e is OperationCanceledException ? "context deadline exceeded" : e.Message)}";
                    retry = true;
                }
            }
            if (!retry || attempt >= retries)
                return retries > 0 && retry ? $"POST {hook.Url} giving up after {attempt + 1} attempt(s): {failure}" : failure;
            var backoff = TimeSpan.FromSeconds(Math.Pow(2, attempt));
            await Task.Delay(backoff < MaxBackoff ? backoff : MaxBackoff, time, ct);
        }
    }
}
