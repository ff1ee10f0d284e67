using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Tide.Host.Ui;

/// <summary>The page, its script and its style sheet, embedded in the binary (no CDN: the UI works offline).</summary>
public static class UiAssets
{
    private static readonly (string Path, string Resource, string ContentType)[] Files =
    [
        ("/", "ui/index.html", "text/html; charset=utf-8"),
        ("/ui/app.js", "ui/app.js", "text/javascript; charset=utf-8"),
        ("/ui/app.css", "ui/app.css", "text/css; charset=utf-8"),
    ];

    public static void Map(WebApplication app)
    {
        foreach (var (path, resource, contentType) in Files)
        {
            var bytes = Read(resource);
            app.MapGet(path, (HttpContext context) =>
            {
                // Revalidated on every load: a new binary's assets are never mixed with an old cached script.
                context.Response.Headers.CacheControl = "no-cache";
                return Results.Bytes(bytes, contentType);
            });
        }
    }

    private static byte[] Read(string resource)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"the UI asset {resource} is not embedded");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
