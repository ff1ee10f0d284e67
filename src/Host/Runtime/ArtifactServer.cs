using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Tide.ApiServer;

namespace Tide.Host.Runtime;

/// <summary>
/// Serves this node's artifact store over HTTP at Flux's path shape (<c>/&lt;kind&gt;/&lt;namespace&gt;/&lt;name&gt;/&lt;file&gt;</c>),
/// so consumers on other nodes can download artifacts by url, and the node's probes: <c>/healthz</c> (the process
/// answers) and <c>/readyz</c> (the node is an Up member of its cluster).
/// </summary>
public sealed class ArtifactServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private ArtifactServer(WebApplication app, Uri url)
    {
        _app = app;
        Url = url;
    }

    /// <summary>Whether the node is ready for work (<c>/readyz</c>); false until the node says otherwise.</summary>
    public Func<bool> IsReady { get; set; } = () => false;

    /// <summary>The base URL, e.g. http://127.0.0.1:41234.</summary>
    public Uri Url { get; }

    public static async Task<ArtifactServer> StartAsync(string root, string host, int port, CancellationToken ct)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<IHostLifetime, EmbeddedHostLifetime>();
        builder.WebHost.UseUrls($"http://{host}:{port}");
        var app = builder.Build();
        ArtifactServer? self = null;
        app.MapGet("/healthz", () => Results.Text("ok"));
        app.MapGet("/readyz", () => self?.IsReady() == true ? Results.Text("ok") : Results.Text("not ready", statusCode: 503));
        var rootFull = Path.GetFullPath(root);
        Directory.CreateDirectory(rootFull);
        app.MapGet("/{**path}", (string? path) =>
        {
            var full = Path.GetFullPath(Path.Combine(rootFull, path ?? ""));
            if (!full.StartsWith(rootFull + Path.DirectorySeparatorChar, StringComparison.Ordinal) || !File.Exists(full))
                return Results.NotFound();
            return Results.File(full, "application/gzip", enableRangeProcessing: true);
        });
        await app.StartAsync(ct);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        self = new ArtifactServer(app, new Uri(address));
        return self;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
