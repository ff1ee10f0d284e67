using System.Net;
using System.Text;

namespace Tide.Testing;

/// <summary>
/// Serves a directory over HTTP on a free loopback port (a Helm chart repository is just that: index.yaml and
/// chart archives), optionally behind basic authentication. Counts the requests it served, by path.
/// </summary>
public sealed class StaticHttpServer : IAsyncDisposable
{
    private readonly HttpListener _listener;
    private readonly string _root;
    private readonly string? _authorization;
    private readonly Task _loop;
    private readonly Dictionary<string, int> _requests = new(StringComparer.Ordinal);

    private StaticHttpServer(HttpListener listener, string root, string? authorization, int port)
    {
        _listener = listener;
        _root = root;
        _authorization = authorization;
        Port = port;
        _loop = Task.Run(ServeAsync);
    }

    public int Port { get; }

    public string Url => $"http://127.0.0.1:{Port}";

    public static StaticHttpServer Start(string root, string? username = null, string? password = null)
    {
        var port = FreePort.Next();
        var listener = new HttpListener();
        listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        listener.Start();
        var authorization = username is null ? null : "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{username}:{password}"));
        return new StaticHttpServer(listener, Path.GetFullPath(root), authorization, port);
    }

    /// <summary>How many requests asked for <paramref name="path"/> (e.g. "/index.yaml").</summary>
    public int RequestsFor(string path)
    {
        lock (_requests)
            return _requests.GetValueOrDefault(path);
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }
            await RespondAsync(context);
        }
    }

    private async Task RespondAsync(HttpListenerContext context)
    {
        var response = context.Response;
        try
        {
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
        catch (HttpListenerException)
        {
            // The client went away.
        }
        finally
        {
            response.Close();
        }
    }

    public async ValueTask DisposeAsync()
    {
        // Close alone: the managed HttpListener's Close after Stop removes its prefixes a second time, which binds the
        // port again (and fails with "Address already in use" once another test took that port meanwhile).
        _listener.Close();
        await _loop;
    }
}
