using System.Diagnostics;

namespace Tide.Testing;

/// <summary>
/// Serves the bare repositories under a directory over HTTP with the real `git http-backend` behind lighttpd (smart
/// HTTP, read-only), on a free loopback port. Repositories are at <c>{Url}/git/&lt;name&gt;.git</c>.
/// </summary>
public sealed class GitHttpServer : IDisposable
{
    private readonly Process _lighttpd;
    private readonly string _configPath;

    private GitHttpServer(Process lighttpd, string configPath, int port)
    {
        _lighttpd = lighttpd;
        _configPath = configPath;
        Url = $"http://127.0.0.1:{port}";
    }

    public string Url { get; }

    public string RepositoryUrl(string name) => $"{Url}/git/{name}.git";

    public static async Task<GitHttpServer> StartAsync(string repositoriesRoot)
    {
        var port = FreePort.Next();
        var configPath = Path.Combine(Path.GetTempPath(), $"tide-lighttpd-{Guid.NewGuid():N}.conf");
        await File.WriteAllTextAsync(configPath, $$"""
            server.modules = ("mod_alias", "mod_cgi", "mod_setenv")
            server.document-root = "{{repositoriesRoot}}"
            server.bind = "127.0.0.1"
            server.port = {{port}}
            server.errorlog = "/dev/stderr"
            alias.url = ("/git" => "/usr/lib/git-core/git-http-backend")
            $HTTP["url"] =~ "^/git" {
              cgi.assign = ("" => "")
            }
            setenv.set-environment = ("GIT_PROJECT_ROOT" => "{{repositoriesRoot}}", "GIT_HTTP_EXPORT_ALL" => "1")
            """);
        var info = new ProcessStartInfo("lighttpd", ["-D", "-f", configPath])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        var process = Process.Start(info) ?? throw new InvalidOperationException("cannot start lighttpd");
        process.ErrorDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        await FreePort.WaitUntilListeningAsync(port, TimeSpan.FromSeconds(10));
        return new GitHttpServer(process, configPath, port);
    }

    public void Dispose()
    {
        if (!_lighttpd.HasExited)
            _lighttpd.Kill(entireProcessTree: true);
        _lighttpd.WaitForExit(5000);
        _lighttpd.Dispose();
        File.Delete(_configPath);
    }
}
