using System.Net;
using System.Text;

namespace Tide.Testing;

/// <summary>
/// Serves a directory over HTTP on a free loopback port (a Helm chart repository is just that: index.yaml and
/// chart archives), optionally behind basic authentication. Counts the requests it served, by path.
/// </summary>
public sealed class StaticHttpServer : IAsyncDisposable
{
    private readonly LoopbackHttpListener _listener;
    private readonly string _root;
    private readonly string? _authorization;
    private readonly Dictionary<string, int> _requests = new(StringComparer.Ordinal);

    private StaticHttpServer(string root, string? authorization)
    {
        _root = root;
        _authorization = authorization;
        _listener = LoopbackHttpListener.Start(RespondAsync);
    }

    public int Port => _listener.Port;

    public string Url => _listener.Url;

    public static StaticHttpServer Start(string root, string? username = null, string? password = null)
    {
        var authorization = username is null ? null : "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{username}:{password}"));
        return new StaticHttpServer(Path.GetFullPath(root), authorization);
    }

    /// <summary>How many requests asked for <paramref name="path"/> (e.g. "/index.yaml").</summary>
    public int RequestsFor(string path)
    {
        lock (_requests)
            return _requests.GetValueOrDefault(path);
    }

    private async Task RespondAsync(HttpListenerContext context)
    {
        var response = context.Response;
        var path = Uri.UnescapeDataString(context.Request.Url!.AbsolutePath);
        lock (_requests)
            _requests[path] = _requests.GetValueOrDefault(path) + 1;
        if (_authorization is not null && context.Request.Headers["Authorization"] != _authorization)
        {
            response.StatusCode = 401;
            response.AddHeader("WWW-Authenticate", "Basic realm=\"charts\"");
            return;
        }
        var file = Path.GetFullPath(Path.Combine(_root, path.TrimStart('/')));
        if (!file.StartsWith(_root + Path.DirectorySeparatorChar, StringComparison.Ordinal) || !File.Exists(file))
        {
            response.StatusCode = 404;
            return;
        }
        var bytes = await File.ReadAllBytesAsync(file);
        response.ContentLength64 = bytes.Length;
        await response.OutputStream.WriteAsync(bytes);
    }

    public ValueTask DisposeAsync() => _listener.DisposeAsync();
}
