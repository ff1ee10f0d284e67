using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Tide.Engine.Notifications;

namespace Tide.Host.Runtime;

/// <summary>Serves Receivers' webhooks (<c>POST /hook/&lt;digest&gt;</c>) on every node, as notification-controller's
/// webhook-receiver port does; a refused or failed call is reported through <c>progress</c>.</summary>
public static class WebhookServer
{
    public static Task<HttpEndpoint> StartAsync(WebhookReceiver receiver, string host, int port, Action<string>? progress,
        CancellationToken ct) =>
        HttpEndpoint.StartAsync(host, port, app => app.MapPost("/hook/{digest}", async (HttpContext context) =>
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body, context.RequestAborted);
            var headers = context.Request.Headers;
            var call = new WebhookCall(name => headers.TryGetValue(name, out var value) ? value.ToString() : null, body.ToArray());
            var (status, error) = await receiver.HandleAsync(context.Request.Path.Value ?? "", call, context.RequestAborted);
            if (error is not null)
                progress?.Invoke($"webhook {context.Request.Path}: {error}");
            return Results.StatusCode((int)status);
        }), ct);
}
