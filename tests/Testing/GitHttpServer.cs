using System.Diagnostics;

namespace Tide.Testing;

/// <summary>
/// Serves bare repositories over smart HTTP with real git: `git http-backend` behind lighttpd, on a free loopback
/// port. Repositories live in <see cref="RepositoriesDirectory"/>; <see cref="UrlFor"/> gives their clone URL.
/// With <see cref="BasicAuth"/>, every request needs those credentials (mod_auth with an htpasswd file).
/// </summary>
public sealed class GitHttpServer : IAsyncDisposable
{
    private const string HttpBackend = "/usr/lib/git-core/git-http-backend";
    private readonly LoopbackServerProcess _lighttpd;
    private readonly string _root;

    private GitHttpServer(string root, LoopbackServerProcess lighttpd)
    {
        _root = root;
        _lighttpd = lighttpd;
    }

    public int Port => _lighttpd.Port;

    public string RepositoriesDirectory => Path.Combine(_root, "repos");

    public string UrlFor(string repository) => $"http://127.0.0.1:{Port}/git/{repository}";

    /// <summary>The clone URL of the bare repository <c>&lt;name&gt;.git</c> (as <see cref="GitWorkingCopy"/> creates).</summary>
    public string RepositoryUrl(string name) => UrlFor(name + ".git");

    /// <summary>A user the server requires with HTTP basic authentication.</summary>
    public sealed record BasicAuth(string Username, string Password);

    public static async Task<GitHttpServer> StartAsync(BasicAuth? auth = null, CancellationToken cancellationToken = default)
    {
        var lighttpd = new[] { "/usr/sbin/lighttpd", "/usr/bin/lighttpd" }.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("lighttpd is not installed (apt-get install lighttpd); test.sh installs it");
        if (!File.Exists(HttpBackend))
            throw new InvalidOperationException($"{HttpBackend} is missing (it ships with git)");

        var root = Directory.CreateTempSubdirectory("tide-git-http-").FullName;
        Directory.CreateDirectory(Path.Combine(root, "repos"));
        Directory.CreateDirectory(Path.Combine(root, "www"));
        var port = FreePort.Next();
        var authConfig = "";
        if (auth is not null)
        {
            var htpasswd = Path.Combine(root, "htpasswd");
            await ProcessRunner.RunCheckedAsync("htpasswd", ["-b", "-c", "-m", htpasswd, auth.Username, auth.Password], ct: cancellationToken);
            authConfig = $$"""
                auth.backend = "htpasswd"
                auth.backend.htpasswd.userfile = "{{htpasswd}}"
                auth.require = ("/git" => ("method" => "basic", "realm" => "git", "require" => "valid-user"))
                """;
        }
        var config = Path.Combine(root, "lighttpd.conf");
        await File.WriteAllTextAsync(config, $$"""
            server.modules = ("mod_alias", "mod_auth", "mod_authn_file", "mod_cgi", "mod_setenv")
            {{authConfig}}
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
        var process = await LoopbackServerProcess.StartAsync(new ProcessStartInfo(lighttpd, ["-D", "-f", config]), port, cancellationToken);
        return new GitHttpServer(root, process);
    }

    /// <summary>Creates an empty bare repository and returns its path (push to it with the git CLI).</summary>
    public async Task<string> CreateBareRepositoryAsync(string name)
    {
        var path = Path.Combine(RepositoriesDirectory, name);
        Directory.CreateDirectory(path);
        await GitCli.RunAsync(path, "init", "-q", "--bare");
        return path;
    }

    public async ValueTask DisposeAsync()
    {
        await _lighttpd.DisposeAsync();
        TempDirectory.DeleteQuietly(_root);
    }
}
