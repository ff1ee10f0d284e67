using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Tide.ApiServer;

namespace Tide.Host.Runtime;

/// <summary>One of a node's small HTTP endpoints (artifacts, webhooks): Kestrel on host:port with the routes
/// <c>map</c> adds, no logging of its own, stopped with the node.</summary>
public sealed class HttpEndpoint : IAsyncDisposable
{
    private readonly WebApplication _app;

    private HttpEndpoint(WebApplication app, Uri url)
    {
        _app = app;
        Url = url;
    }

    /// <summary>The base URL, e.g. http://127.0.0.1:41234 (port 0 resolved to the one picked).</summary>
    public Uri Url { get; }

    /// <param name="services">Services the routes need (e.g. the metrics exporter).</param>
    public static async Task<HttpEndpoint> StartAsync(string host, int port, Action<WebApplication> map, CancellationToken ct,
        Action<IServiceCollection>? services = null)
    {
        // The content root is the application's directory, and configuration files are not watched: by default the
        // host watches its content root (the working directory) recursively for appsettings changes, which from a
        // large directory costs an inotify watch and memory per sub-directory, three times (one per endpoint).
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ContentRootPath = AppContext.BaseDirectory,
            Args = ["--hostBuilder:reloadConfigOnChange=false"],
        });
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<IHostLifetime, EmbeddedHostLifetime>();
        services?.Invoke(builder.Services);
        builder.WebHost.UseUrls($"http://{host}:{port}");
        var app = builder.Build();
        map(app);
        try
        {
            await app.StartAsync(ct);
        }
        catch (IOException e)
        {
            await app.DisposeAsync();
            // Kestrel's message names the address; the caller's settings decide it.
            throw new IOException($"cannot listen on {host}:{port}: {e.Message}", e);
        }
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new HttpEndpoint(app, new Uri(address));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
