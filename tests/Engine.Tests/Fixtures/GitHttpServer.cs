using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Tide.Engine.Tests.Fixtures;

/// <summary>
/// Serves bare repositories over smart HTTP with real git: `git http-backend` behind lighttpd, on a free loopback
/// port. Repositories live in <see cref="RepositoriesDirectory"/>; <see cref="UrlFor"/> gives their clone URL.
/// </summary>
public sealed class GitHttpServer : IAsyncDisposable
{
    private const string HttpBackend = "/usr/lib/git-core/git-http-backend";
    private readonly Process _lighttpd;
    private readonly string _root;

    private GitHttpServer(string root, int port, Process lighttpd)
    {
        _root = root;
        Port = port;
        _lighttpd = lighttpd;
    }

    public int Port { get; }

    public string RepositoriesDirectory => Path.Combine(_root, "repos");

    public string UrlFor(string repository) => $"http://127.0.0.1:{Port}/git/{repository}";

    public static async Task<GitHttpServer> StartAsync(CancellationToken cancellationToken = default)
    {
        var lighttpdPath = new[] { "/usr/sbin/lighttpd", "/usr/bin/lighttpd" }.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("lighttpd is not installed (apt-get install lighttpd); test.sh installs it");
        if (!File.Exists(HttpBackend))
            throw new InvalidOperationException($"{HttpBackend} is missing (it ships with git)");

        var root = Directory.CreateTempSubdirectory("tide-git-http-").FullName;
        Directory.CreateDirectory(Path.Combine(root, "repos"));
        Directory.CreateDirectory(Path.Combine(root, "www"));
        var port = FreePort();
        var config = Path.Combine(root, "lighttpd.conf");
        await File.WriteAllTextAsync(config, $$"""
            server.modules = ("mod_alias", "mod_cgi", "mod_setenv")
            server.document-root = "{{root}}/www"
            server.bind = "127.0.0.1"
            server.port = {{port}}
            server.errorlog = "{{root}}/error.log"
            alias.url = ("/git" => "{{HttpBackend}}")
            $HTTP["url"] =~ "^/git" {
              cgi.assign = ("" => "")
              setenv.add-environment = (
                "GIT_PROJECT_ROOT" => "{{root}}/repos",
                "GIT_HTTP_EXPORT_ALL" => ""
              )
            }
            """, cancellationToken);

        var process = Process.Start(new ProcessStartInfo(lighttpdPath, ["-D", "-f", config])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var server = new GitHttpServer(root, port, process);
        try
        {
            await server.WaitUntilListeningAsync(cancellationToken);
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
        return server;
    }

    /// <summary>Creates an empty bare repository and returns its path (push to it with the git CLI).</summary>
    public async Task<string> CreateBareRepositoryAsync(string name)
    {
        var path = Path.Combine(RepositoriesDirectory, name);
        Directory.CreateDirectory(path);
        await GitCli.RunAsync(path, "init", "-q", "--bare");
        return path;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private async Task WaitUntilListeningAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(15));
        while (true)
        {
            if (_lighttpd.HasExited)
                throw new InvalidOperationException($"lighttpd exited ({_lighttpd.ExitCode}): {await _lighttpd.StandardError.ReadToEndAsync(cancellationToken)}");
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, Port, timeout.Token);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(50, timeout.Token);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_lighttpd.HasExited)
        {
            _lighttpd.Kill(entireProcessTree: true);
            await _lighttpd.WaitForExitAsync();
        }
        _lighttpd.Dispose();
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // Best effort cleanup of a temp directory.
        }
    }
}
