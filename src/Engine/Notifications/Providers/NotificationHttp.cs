using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Tide.Engine.Sources;

namespace Tide.Engine.Notifications.Providers;

/// <summary>
/// Sends a provider's HTTP requests as notification-controller's retrying client does: a connection error, a 429 or
/// a 5xx (but 501) is retried up to <see cref="NotificationOptions.RetryMax"/> times, waiting
/// <see cref="NotificationOptions.RetryWaitMin"/> doubling up to the maximum (or the server's Retry-After); any other
/// status outside 2xx fails at once with the status code and the response body. The caller's token carries the
/// Provider's timeout. Requests go through the Provider's proxy and TLS settings.
/// </summary>
public sealed class NotificationHttp(NotificationOptions options)
{
    private static readonly HttpClient Shared = new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
    {
        Timeout = Timeout.InfiniteTimeSpan,
    };

    /// <summary>POSTs <paramref name="payload"/> as JSON; returns the response body.</summary>
    public Task<string> PostJsonAsync(ProviderConfig config, string url, JsonNode payload,
        Action<HttpRequestHeaders>? headers, CancellationToken ct) =>
        SendAsync(config, HttpMethod.Post, url, FluxEvent.Serialize(payload), headers, ct);

    /// <summary>Sends a request (a body is sent as application/json) and returns the response body.</summary>
    public async Task<string> SendAsync(ProviderConfig config, HttpMethod method, string url, string? json,
        Action<HttpRequestHeaders>? headers, CancellationToken ct)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            throw new NotifierException($"invalid URL for provider type '{config.Type}': {config.Mask(url)}");
        var client = ClientFor(config);
        try
        {
            for (var attempt = 0; ; attempt++)
            {
                using var request = new HttpRequestMessage(method, uri);
                if (json is not null)
                    request.Content = new StringContent(json, Encoding.UTF8, "application/json");
                headers?.Invoke(request.Headers);
                string? failure;
                TimeSpan? retryAfter = null;
                try
                {
                    using var response = await client.SendAsync(request, ct);
                    var body = await response.Content.ReadAsStringAsync(ct);
                    var status = (int)response.StatusCode;
                    if (status is >= 200 and < 300)
                        return body;
                    failure = $"request failed with status code {status}: {body}";
                    if (!Retryable(response.StatusCode))
                        throw new NotifierException(config.Mask(failure));
                    if (response.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable)
                        retryAfter = response.Headers.RetryAfter?.Delta;
                }
                catch (HttpRequestException e)
                {
                    failure = e.Message;
                }
                if (attempt >= options.RetryMax)
                    throw new NotifierException(config.Mask($"giving up after {attempt + 1} attempt(s): {failure}"), transient: true);
                await Task.Delay(retryAfter ?? Backoff(attempt), ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw new NotifierException("timed out waiting for the provider", transient: true);
        }
        finally
        {
            if (client != Shared)
                client.Dispose();
        }
    }

    private TimeSpan Backoff(int attempt)
    {
        var wait = options.RetryWaitMin * Math.Pow(2, attempt);
        return wait > options.RetryWaitMax ? options.RetryWaitMax : wait;
    }

    private static bool Retryable(HttpStatusCode status) =>
        status == HttpStatusCode.TooManyRequests || ((int)status >= 500 && status != HttpStatusCode.NotImplemented);

    /// <summary>The shared client, or one of its own for a Provider with a proxy or TLS settings.</summary>
    private static HttpClient ClientFor(ProviderConfig config)
    {
        if (config.Proxy is null && config.Tls is null)
            return Shared;
        SocketsHttpHandler handler;
        try
        {
            handler = config.Tls is null ? new SocketsHttpHandler() : TlsHttpClient.CreateHandler(config.Tls, config.TlsSecretName);
        }
        catch (SourceFetchException e)
        {
            throw new NotifierException(e.Message, e);
        }
        if (config.Proxy is { } proxy)
        {
            handler.UseProxy = true;
            handler.Proxy = new WebProxy(proxy.Address)
            {
                Credentials = proxy.Username is null ? null : new NetworkCredential(proxy.Username, proxy.Password),
            };
        }
        return new HttpClient(handler, disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };
    }
}
