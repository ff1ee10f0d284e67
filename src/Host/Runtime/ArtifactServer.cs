using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Tide.Host.Runtime;

/// <summary>
/// Serves this node's artifact store over HTTP at Flux's path shape (<c>/&lt;kind&gt;/&lt;namespace&gt;/&lt;name&gt;/&lt;file&gt;</c>),
/// so consumers on other nodes can download artifacts by url.
/// </summary>
public static class ArtifactServer
{
    public static Task<HttpEndpoint> StartAsync(string root, string host, int port, CancellationToken ct)
    {
        var rootFull = Path.GetFullPath(root);
        Directory.CreateDirectory(rootFull);
        return HttpEndpoint.StartAsync(host, port, app => app.MapGet("/{**path}", (string? path) =>
        {
            var full = Path.GetFullPath(Path.Combine(rootFull, path ?? ""));
            if (!full.StartsWith(rootFull + Path.DirectorySeparatorChar, StringComparison.Ordinal) || !File.Exists(full))
                return Results.NotFound();
            return Results.File(full, "application/gzip", enableRangeProcessing: true);
        }), ct);
    }
}
