using System.Diagnostics;

namespace Tide.Testing;

/// <summary>
/// Serves bare repositories over smart HTTP with real git: `git http-backend` behind lighttpd, on a free loopback
/// port. Repositories live in <see cref="RepositoriesDirectory"/>; <see cref="UrlFor"/> gives their clone URL.
/// Options: <see cref="Options.Basic"/> requires those credentials (mod_auth with an htpasswd file),
/// <see cref="Options.BearerToken"/> refuses requests without that token (403), <see cref="Options.Tls"/> serves https
/// with a certificate for 127.0.0.1 signed by a throwaway CA (<see cref="CaCertificate"/>).
/// </summary>
public sealed class GitHttpServer : IAsyncDisposable
{
    private const string HttpBackend = "/usr/lib/git-core/git-http-backend";
    private readonly LoopbackServerProcess _lighttpd;
    private readonly string _root;
    private readonly string _scheme;

    private GitHttpServer(string root, LoopbackServerProcess lighttpd, bool tls)
    {
        _root = root;
        _lighttpd = lighttpd;
        _scheme = tls ? "https" : "http";
    }

    /// <summary>PEM of the CA that signed the https certificate (with <see cref="Options.Tls"/>).</summary>
    public string CaCertificate => File.ReadAllText(Path.Combine(_root, "ca.crt"));

    /// <summary>PEM of a client certificate (and its key) signed by that CA.</summary>
    public string ClientCertificate => File.ReadAllText(Path.Combine(_root, "client.crt"));

    public string ClientKey => File.ReadAllText(Path.Combine(_root, "client.key"));

    public int Port => _lighttpd.Port;

    public string RepositoriesDirectory => Path.Combine(_root, "repos");

    public string UrlFor(string repository) => $"{_scheme}://127.0.0.1:{Port}/git/{repository}";

    /// <summary>The clone URL of the bare repository <c>&lt;name&gt;.git</c> (as <see cref="GitWorkingCopy"/> creates).</summary>
    public string RepositoryUrl(string name) => UrlFor(name + ".git");

    /// <summary>A user the server requires with HTTP basic authentication.</summary>
    public sealed record BasicAuth(string Username, string Password);

    public sealed record Options
    {
        public BasicAuth? Basic { get; init; }
        public string? BearerToken { get; init; }
        public bool Tls { get; init; }

        /// <summary>With <see cref="Tls"/>: require a client certificate signed by the CA (see <see cref="ClientCertificate"/>).</summary>
        public bool RequireClientCertificate { get; init; }
    }

    public static async Task<GitHttpServer> StartAsync(Options? options = null, CancellationToken cancellationToken = default)
    {
        var lighttpd = new[] { "/usr/sbin/lighttpd", "/usr/bin/lighttpd" }.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("lighttpd is not installed (apt-get install lighttpd); test.sh installs it");
        if (!File.Exists(HttpBackend))
            throw new InvalidOperationException($"{HttpBackend} is missing (it ships with git)");

        var root = Directory.CreateTempSubdirectory("tide-git-http-").FullName;
        Directory.CreateDirectory(Path.Combine(root, "repos"));
        Directory.CreateDirectory(Path.Combine(root, "www"));
        var port = FreePort.Next();
        options ??= new Options();
        var authConfig = "";
        if (options.Basic is { } auth)
        {
            var htpasswd = Path.Combine(root, "htpasswd");
            await ProcessRunner.RunCheckedAsync("htpasswd", ["-b", "-c", "-m", htpasswd, auth.Username, auth.Password], ct: cancellationToken);
            authConfig = $$"""
                auth.backend = "htpasswd"
                auth.backend.htpasswd.userfile = "{{htpasswd}}"
                auth.require = ("/git" => ("method" => "basic", "realm" => "git", "require" => "valid-user"))
                """;
        }
        if (options.BearerToken is { } token)
            authConfig += $$"""

                $REQUEST_HEADER["Authorization"] != "Bearer {{token}}" { url.access-deny = ("") }
                """;
        if (options.Tls)
        {
            await CreateCertificatesAsync(root, cancellationToken);
            authConfig += $$"""

                ssl.engine = "enable"
                ssl.pemfile = "{{root}}/server.crt"
                ssl.privkey = "{{root}}/server.key"
                """;
            if (options.RequireClientCertificate)
                authConfig += $$"""

                    ssl.verifyclient.activate = "enable"
                    ssl.verifyclient.enforce = "enable"
                    ssl.verifyclient.ca-file = "{{root}}/ca.crt"
                    """;
        }
        var config = Path.Combine(root, "lighttpd.conf");
        await File.WriteAllTextAsync(config, $$"""
            server.modules = ("mod_access", "mod_alias", "mod_auth", "mod_authn_file", "mod_cgi", "mod_setenv", "mod_openssl")
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
        return new GitHttpServer(root, process, options.Tls);
    }

    /// <summary>A CA, and a server certificate for 127.0.0.1 and a client certificate signed by it, made with the
    /// openssl CLI.</summary>
    private static async Task CreateCertificatesAsync(string root, CancellationToken cancellationToken)
    {
        string In(string name) => Path.Combine(root, name);
        await ProcessRunner.RunCheckedAsync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
            "-subj", "/CN=Tide Test CA", "-keyout", In("ca.key"), "-out", In("ca.crt")], ct: cancellationToken);
        await ProcessRunner.RunCheckedAsync("openssl", ["req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1",
            "-keyout", In("server.key"), "-out", In("server.csr")], ct: cancellationToken);
        await File.WriteAllTextAsync(In("server.ext"), "subjectAltName=IP:127.0.0.1\n", cancellationToken);
        await ProcessRunner.RunCheckedAsync("openssl", ["x509", "-req", "-in", In("server.csr"), "-CA", In("ca.crt"),
            "-CAkey", In("ca.key"), "-CAcreateserial", "-days", "2", "-extfile", In("server.ext"), "-out", In("server.crt")],
            ct: cancellationToken);
        await ProcessRunner.RunCheckedAsync("openssl", ["req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=tide-client",
            "-keyout", In("client.key"), "-out", In("client.csr")], ct: cancellationToken);
        await ProcessRunner.RunCheckedAsync("openssl", ["x509", "-req", "-in", In("client.csr"), "-CA", In("ca.crt"),
            "-CAkey", In("ca.key"), "-CAcreateserial", "-days", "2", "-out", In("client.crt")], ct: cancellationToken);
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
