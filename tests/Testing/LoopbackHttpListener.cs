using System.Net;

namespace Tide.Testing;

/// <summary>An HttpListener on a free loopback port that hands each request to a handler, one at a time, until
/// disposed: the base of small test servers (exporters, webhook endpoints).</summary>
public sealed class LoopbackHttpListener : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Task _loop;

    private LoopbackHttpListener(Func<HttpListenerContext, Task> handle)
    {
        Port = FreePort.Next();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _loop = Task.Run(() => ServeAsync(handle));
    }

    public int Port { get; }

    public string Url => $"http://127.0.0.1:{Port}";

    /// <param name="handle">Answers one request; the listener closes the response afterwards.</param>
    public static LoopbackHttpListener Start(Func<HttpListenerContext, Task> handle) => new(handle);

    private async Task ServeAsync(Func<HttpListenerContext, Task> handle)
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
            try
            {
                await handle(context);
            }
            catch (HttpListenerException)
            {
                // The client went away.
            }
            finally
            {
                context.Response.Close();
            }
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
