using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Tide.Host.Runtime;

/// <summary>
/// Serves this node's artifact store over HTTP at Flux's path shape (<c>/&lt;kind&gt;/&lt;namespace&gt;/&lt;name&gt;/&lt;file&gt;</c>),
/// so consumers on other nodes can download artifacts by url, and the node's probes: <c>/healthz</c> (the process
/// answers) and <c>/readyz</c> (the node is an Up member of its cluster).
/// </summary>
public static class ArtifactServer
{
    /// <param name="isReady">Whether the node is ready for work (<c>/readyz</c>).</param>
    public static Task<HttpEndpoint> StartAsync(string root, string host, int port, Func<bool> isReady, CancellationToken ct)
    {
        var rootFull = Path.GetFullPath(root);
        Directory.CreateDirectory(rootFull);
        return HttpEndpoint.StartAsync(host, port, app =>
        {
            app.MapGet("/healthz", () => Results.Text("ok"));
            app.MapGet("/readyz", () => isReady() ? Results.Text("ok") : Results.Text("not ready", statusCode: 503));
            app.MapGet("/{**path}", (string? path) =>
            {
                var full = Path.GetFullPath(Path.Combine(rootFull, path ?? ""));
                if (!full.StartsWith(rootFull + Path.DirectorySeparatorChar, StringComparison.Ordinal) || !File.Exists(full))
                    return Results.NotFound();
                return Results.File(full, "application/gzip", enableRangeProcessing: true);
            });
        }, ct);
    }
}
