using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Tide.Actors.Cluster;
using Tide.Engine.Kube;
using Tide.Host.Cli;
using Tide.Host.Runtime;

namespace Tide.Host.Ui;

/// <summary>
/// The web UI a node serves on tide.ui.host/port: the page and its assets (embedded in the binary), a JSON API over
/// the same rows, objects and verbs as the CLI (<see cref="StatusRow"/>, <see cref="FluxObjects"/>,
/// <see cref="InventoryTree"/>), and <c>/api/stream</c>, server-sent events fed by the <see cref="FluxObjectCache"/>'s
/// informers.
/// </summary>
public sealed class UiServer : IAsyncDisposable
{
    /// <summary>Actions must carry this header: a cross-site form or fetch cannot send it without a CORS preflight,
    /// which the UI never grants, so another site cannot make a browser reconcile or suspend.</summary>
    public const string ActionHeader = "X-Tide-Action";

    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    private readonly HttpEndpoint _endpoint;
    private readonly FluxObjectCache _cache;

    private UiServer(HttpEndpoint endpoint, FluxObjectCache cache)
    {
        _endpoint = endpoint;
        _cache = cache;
    }

    public Uri Url => _endpoint.Url;

    /// <param name="node">The node once it runs (the cluster page reads its membership and shard regions).</param>
    public static async Task<UiServer> StartAsync(TideSettings settings, KubeClient kube, Func<TideNode?> node, CancellationToken ct)
    {
        var cache = new FluxObjectCache(kube, FluxKind.All, settings.RelistInterval);
        var actions = new UiActions(kube, settings.UiImpersonate);
        try
        {
            var endpoint = await HttpEndpoint.StartAsync(settings.UiHost, settings.UiPort, app =>
            {
                UiAssets.Map(app);
                app.MapGet("/api/kinds", () => Json(new JsonArray(cache.ServedKinds.Select(KindJson).ToArray<JsonNode?>())));
                app.MapGet("/api/objects", () => Json(new JsonArray(cache.Objects()
                    .Select(o => (JsonNode?)JsonSerializer.SerializeToNode(StatusRow.Of(o.Kind, o.Object), Web)).ToArray())));
                app.MapGet("/api/objects/{kind}/{ns}/{name}", async (string kind, string ns, string name, CancellationToken token) =>
                {
                    if (Kind(cache, kind) is not { } k || cache.Find(k, ns, name) is not { } obj)
                        return Error(404, $"{kind} '{ns}/{name}' not found");
                    try
                    {
                        return Json(await ObjectDetails.BuildAsync(kube, cache, k, obj, token));
                    }
                    catch (KubeApiException e)
                    {
                        // The inventory's nested objects are read from the API server: its refusal or failure is the answer.
                        return Error(502, e.ApiMessage);
                    }
                });
                app.MapPost("/api/objects/{kind}/{ns}/{name}/{action}", async (HttpContext context, string kind, string ns,
                    string name, string action) =>
                {
                    if (!context.Request.Headers.ContainsKey(ActionHeader))
                        return Error(400, $"an action needs the {ActionHeader} header");
                    // Without a login, a page of another site must not reach these buttons by pointing its own host
                    // name at this address (DNS rebinding): only an IP address or localhost may name the UI.
                    if (!settings.UiImpersonate && !IsAddressOrLocalhost(context.Request.Host.Host))
                        return Error(403, $"actions are answered only for requests to an IP address or localhost, not '{context.Request.Host.Host}'");
                    if (Kind(cache, kind) is not { } k)
                        return Error(404, $"unknown kind '{kind}'");
                    var (status, body) = await actions.RunAsync(context, k, ns, name, action, context.RequestAborted);
                    return Json(body, status);
                });
                app.MapGet("/api/cluster", async (CancellationToken token) => node() is { } running
                    ? Json(await ClusterView.BuildAsync(running, kube, token))
                    : Error(503, "the node is starting"));
                app.MapGet("/api/stream", (HttpContext context) => StreamAsync(context, cache));
            }, ct);
            return new UiServer(endpoint, cache);
        }
        catch
        {
            await cache.DisposeAsync();
            throw;
        }
    }

    /// <summary>Server-sent events: <c>snapshot</c> (served kinds and every row) first, then <c>upsert</c>,
    /// <c>delete</c> and <c>kinds</c> as they happen. A browser's EventSource reconnects by itself and gets a new
    /// snapshot.</summary>
    private static async Task StreamAsync(HttpContext context, FluxObjectCache cache)
    {
        // Open streams end when the node stops, not only when the page closes.
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted,
            context.RequestServices.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping);
        var ct = stopping.Token;
        context.Response.ContentType = "text/event-stream";
        context.Response.Headers.CacheControl = "no-store";
        using var subscription = cache.Subscribe();
        var snapshot = new JsonObject
        {
            ["kinds"] = new JsonArray(subscription.Served.Select(KindJson).ToArray<JsonNode?>()),
            ["rows"] = JsonSerializer.SerializeToNode(subscription.Rows, Web),
        };
        try
        {
            await WriteEventAsync(context, "snapshot", snapshot.ToJsonString(), ct);
            await foreach (var change in subscription.Changes.ReadAllAsync(ct))
            {
                var data = change switch
                {
                    UiChange.Upserted u => JsonSerializer.Serialize(u.Row, Web),
                    UiChange.Deleted d => JsonSerializer.Serialize(d.Row, Web),
                    UiChange.KindsChanged k => new JsonArray(k.Kinds.Select(KindJson).ToArray<JsonNode?>()).ToJsonString(),
                    _ => throw new InvalidOperationException(change.GetType().Name),
                };
                await WriteEventAsync(context, change.Name, data, ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The page closed.
        }
    }

    private static async Task WriteEventAsync(HttpContext context, string name, string data, CancellationToken ct)
    {
        await context.Response.WriteAsync($"event: {name}\ndata: {data}\n\n", Encoding.UTF8, ct);
        await context.Response.Body.FlushAsync(ct);
    }

    private static bool IsAddressOrLocalhost(string host) =>
        string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase) || System.Net.IPAddress.TryParse(host, out _);

    private static FluxKind? Kind(FluxObjectCache cache, string kind) =>
        cache.Kinds.FirstOrDefault(k => string.Equals(k.Kind, kind, StringComparison.OrdinalIgnoreCase));

    private static JsonNode KindJson(FluxKind kind) => new JsonObject
    {
        ["kind"] = kind.Kind,
        ["apiVersion"] = kind.ApiVersion,
        ["plural"] = kind.Plural,
        ["isSource"] = kind.IsSource,
    };

    public static IResult Json(JsonNode body, int status = 200) =>
        Results.Text(body.ToJsonString(), "application/json", Encoding.UTF8, status);

    public static IResult Error(int status, string message) => Json(new JsonObject { ["message"] = message }, status);

    public async ValueTask DisposeAsync()
    {
        await _cache.DisposeAsync();
        await _endpoint.DisposeAsync();
    }
}
