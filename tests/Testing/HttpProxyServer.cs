using System.Diagnostics;

namespace Tide.Testing;

/// <summary>
/// A real HTTP proxy (tinyproxy) on a free loopback port: plain forwarding for http:// and CONNECT tunnels for
/// https://, to every port, optionally behind basic authentication. It logs every request and CONNECT it serves;
/// <see cref="ReadLogAsync"/> lets a test prove traffic went through it.
/// </summary>
public sealed class HttpProxyServer : IAsyncDisposable
{
    private readonly LoopbackServerProcess _process;
    private readonly string _root;

    private HttpProxyServer(string root, LoopbackServerProcess process)
    {
        _root = root;
        _process = process;
    }

    public int Port => _process.Port;

    /// <summary>The proxy's address, as a proxySecretRef's 'address' holds it.</summary>
    public string Address => $"http://127.0.0.1:{Port}";

    /// <param name="username">With <paramref name="password"/>, the only user let through (basic authentication).</param>
    public static async Task<HttpProxyServer> StartAsync(string? username = null, string? password = null, CancellationToken cancellationToken = default)
    {
        var tinyproxy = new[] { "/usr/bin/tinyproxy", "/usr/sbin/tinyproxy" }.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("tinyproxy is not installed (apt-get install tinyproxy); test.sh installs it");
        var root = Directory.CreateTempSubdirectory("tide-proxy-").FullName;
        var port = FreePort.Next();
        var config = Path.Combine(root, "tinyproxy.conf");
        // No ConnectPort line: CONNECT is allowed to every port (the git server's is not 443). LogLevel Connect logs
        // each client connection and request line.
        await File.WriteAllTextAsync(config, $"""
            Port {port}
            Listen 127.0.0.1
            Timeout 60
            Allow 127.0.0.1
            MaxClients 50
            LogLevel Connect
            LogFile "{Path.Combine(root, "tinyproxy.log")}"
            PidFile "{Path.Combine(root, "tinyproxy.pid")}"
            {(username is null ? "" : $"BasicAuth {username} {password}")}
            """, cancellationToken);
        var process = await LoopbackServerProcess.StartAsync(new ProcessStartInfo(tinyproxy, ["-d", "-c", config]), port, cancellationToken);
        return new HttpProxyServer(root, process);
    }

    /// <summary>What the proxy logged so far: one "Request (...)" line per proxied request or CONNECT, e.g.
    /// "Request (file descriptor 5): CONNECT 127.0.0.1:4443 HTTP/1.1".</summary>
    public async Task<string> ReadLogAsync()
    {
        var path = Path.Combine(_root, "tinyproxy.log");
        if (!File.Exists(path))
            return "";
        await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(file);
        return await reader.ReadToEndAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await _process.DisposeAsync();
        TempDirectory.DeleteQuietly(_root);
    }
}
