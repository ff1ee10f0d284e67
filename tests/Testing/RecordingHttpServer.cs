using System.Collections.Specialized;
using System.Net;
using System.Text;
using System.Threading.Channels;

namespace Tide.Testing;

/// <summary>
/// An HTTP server on a free loopback port that records every request (method, path with query, headers, body) and
/// answers what <see cref="Respond"/> says (200 with an empty JSON list by default): a stand-in for a chat service,
/// an Alertmanager or a Git host's API that a test can read back and script (fail, then recover).
/// </summary>
public sealed class RecordingHttpServer : IAsyncDisposable
{
    private readonly HttpListener _listener;
    private readonly Task _loop;
    private readonly Channel<RecordedRequest> _requests = Channel.CreateUnbounded<RecordedRequest>();
    private readonly List<RecordedRequest> _all = [];

    private RecordingHttpServer(HttpListener listener, int port)
    {
        _listener = listener;
        Port = port;
        _loop = Task.Run(ServeAsync);
    }

    public int Port { get; }

    public string Url => $"http://127.0.0.1:{Port}";

    /// <summary>The answer (status, body) to a request; may be replaced at any time.</summary>
    public Func<RecordedRequest, (int Status, string Body)> Respond { get; set; } = _ => (200, "[]");

    /// <summary>Every request so far.</summary>
    public IReadOnlyList<RecordedRequest> All
    {
        get
        {
            lock (_all)
                return _all.ToList();
        }
    }

    public static RecordingHttpServer Start()
    {
        var port = FreePort.Next();
        var listener = new HttpListener();
        listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        listener.Start();
        return new RecordingHttpServer(listener, port);
    }

    /// <summary>The next request not read yet (fails after <paramref name="timeout"/>, default 20 s).</summary>
    public async Task<RecordedRequest> NextAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(20));
        return await _requests.Reader.ReadAsync(cts.Token);
    }

    /// <summary>Whether a request arrived that was not read yet.</summary>
    public bool TryNext(out RecordedRequest? request) => _requests.Reader.TryRead(out request);

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
            using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
            var request = new RecordedRequest(context.Request.HttpMethod, context.Request.RawUrl ?? "",
                new NameValueCollection(context.Request.Headers), await reader.ReadToEndAsync());
            lock (_all)
                _all.Add(request);
            var (status, body) = Respond(request);
            await _requests.Writer.WriteAsync(request);
            context.Response.StatusCode = status;
            context.Response.ContentType = "application/json";
            var bytes = Encoding.UTF8.GetBytes(body);
            await context.Response.OutputStream.WriteAsync(bytes);
            context.Response.Close();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        await _loop;
    }
}
