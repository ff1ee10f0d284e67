using System.Diagnostics;

namespace Tide.Engine.Tests.Fixtures;

/// <summary>
/// Debian's `docker-registry` (CNCF distribution 2.8) on a free loopback port with a temporary storage directory and
/// its own config file; optionally with htpasswd (bcrypt) basic authentication for one user.
/// </summary>
public sealed class OciRegistryServer : IAsyncDisposable
{
    private const string Binary = "/usr/bin/docker-registry";
    private readonly LoopbackServerProcess _process;
    private readonly string _root;

    private OciRegistryServer(string root, LoopbackServerProcess process)
    {
        _root = root;
        _process = process;
    }

    /// <summary>"127.0.0.1:&lt;port&gt;", the registry host of oci:// URLs.</summary>
    public string Host => $"127.0.0.1:{_process.Port}";

    public string UrlFor(string repository) => $"oci://{Host}/{repository}";

    /// <param name="user">With a user, every request needs basic authentication as (Username, Password).</param>
    /// <param name="tokens">With a token service, the registry wants Bearer tokens from it instead (and
    /// <paramref name="user"/> is ignored).</param>
    /// <param name="tls">With a certificate and key (PEM), the registry serves HTTPS only.</param>
    public static async Task<OciRegistryServer> StartAsync(
        (string Username, string Password)? user = null, OciTokenServer? tokens = null, (string CertificatePem, string KeyPem)? tls = null,
        CancellationToken cancellationToken = default)
    {
        if (!File.Exists(Binary))
            throw new InvalidOperationException("docker-registry is not installed (apt-get install docker-registry); test.sh installs it");
        var root = Directory.CreateTempSubdirectory("tide-registry-").FullName;
        var port = LoopbackServerProcess.FreePort();
        var auth = "";
        if (user is var (username, password))
        {
            var htpasswd = Path.Combine(root, "htpasswd");
            await File.WriteAllTextAsync(htpasswd, await BcryptLineAsync(username, password, cancellationToken), cancellationToken);
            auth = $"""
                auth:
                  htpasswd:
                    realm: tide-test
                    path: {htpasswd}
                """;
        }
        if (tokens is not null)
        {
            var bundle = Path.Combine(root, "token-issuer.pem");
            await File.WriteAllTextAsync(bundle, tokens.CertificateBundlePem, cancellationToken);
            auth = $"""
                auth:
                  token:
                    realm: {tokens.Realm}
                    service: {OciTokenServer.Service}
                    issuer: {OciTokenServer.Issuer}
                    rootcertbundle: {bundle}
                """;
        }
        var tlsConfig = "";
        if (tls is var (certificatePem, keyPem))
        {
            await File.WriteAllTextAsync(Path.Combine(root, "tls.crt"), certificatePem, cancellationToken);
            await File.WriteAllTextAsync(Path.Combine(root, "tls.key"), keyPem, cancellationToken);
            tlsConfig = $"""
                  tls:
                    certificate: {Path.Combine(root, "tls.crt")}
                    key: {Path.Combine(root, "tls.key")}
                """;
        }
        var config = Path.Combine(root, "config.yml");
        await File.WriteAllTextAsync(config, $"""
            version: 0.1
            log:
              level: error
              accesslog:
                disabled: true
            storage:
              filesystem:
                rootdirectory: {Path.Combine(root, "data")}
            http:
              addr: 127.0.0.1:{port}
              secret: tide-test-secret
            {tlsConfig}
            {auth}
            """, cancellationToken);
        var process = await LoopbackServerProcess.StartAsync(new ProcessStartInfo(Binary, ["serve", config]), port, cancellationToken);
        return new OciRegistryServer(root, process);
    }

    /// <summary>An htpasswd line with a bcrypt hash, the only kind the registry accepts (from apache2-utils).</summary>
    private static async Task<string> BcryptLineAsync(string username, string password, CancellationToken cancellationToken)
    {
        using var htpasswd = Process.Start(new ProcessStartInfo("htpasswd", ["-nbB", username, password])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        }) ?? throw new InvalidOperationException("htpasswd did not start (apt-get install apache2-utils)");
        var line = await htpasswd.StandardOutput.ReadToEndAsync(cancellationToken);
        await htpasswd.WaitForExitAsync(cancellationToken);
        if (htpasswd.ExitCode != 0)
            throw new InvalidOperationException($"htpasswd failed: {await htpasswd.StandardError.ReadToEndAsync(cancellationToken)}");
        return line.Trim() + "\n";
    }

    public async ValueTask DisposeAsync()
    {
        await _process.DisposeAsync();
        TempDirectory.DeleteQuietly(_root);
    }
}
