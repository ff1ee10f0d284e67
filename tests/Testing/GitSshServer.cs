using System.Diagnostics;

namespace Tide.Testing;

/// <summary>
/// Serves bare repositories over SSH with Debian's OpenSSH `sshd` on a free loopback port: key-only login for the
/// current user with a client key made here, its own host key, config and authorized_keys in a temp directory
/// (nothing of the system's sshd configuration is read or changed).
/// </summary>
public sealed class GitSshServer : IAsyncDisposable
{
    private readonly LoopbackServerProcess _sshd;
    private readonly string _root;

    private GitSshServer(string root, LoopbackServerProcess sshd, string knownHosts)
    {
        _root = root;
        _sshd = sshd;
        KnownHosts = knownHosts;
    }

    public string RepositoriesDirectory => Path.Combine(_root, "repos");

    /// <summary>The client private key (OpenSSH format) the server accepts.</summary>
    public string ClientKey => File.ReadAllText(Path.Combine(_root, "client"));

    /// <summary>A known_hosts line for this server's host key.</summary>
    public string KnownHosts { get; }

    public string UrlFor(string repository) =>
        $"ssh://{Environment.UserName}@127.0.0.1:{_sshd.Port}{Path.Combine(RepositoriesDirectory, repository)}";

    public static async Task<GitSshServer> StartAsync(string? clientKeyPassword = null, CancellationToken cancellationToken = default)
    {
        var sshd = new[] { "/usr/sbin/sshd", "/usr/bin/sshd" }.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("sshd is not installed (apt-get install openssh-server); test.sh installs it");
        var root = Directory.CreateTempSubdirectory("tide-git-ssh-").FullName;
        Directory.CreateDirectory(Path.Combine(root, "repos"));
        string Combine(string name) => Path.Combine(root, name);
        await KeygenAsync(Combine("host"), "", cancellationToken);
        await KeygenAsync(Combine("client"), clientKeyPassword ?? "", cancellationToken);
        File.Copy(Combine("client.pub"), Combine("authorized_keys"));
        var port = FreePort.Next();
        await File.WriteAllTextAsync(Combine("sshd_config"), $"""
            Port {port}
            ListenAddress 127.0.0.1
            HostKey {Combine("host")}
            PidFile {Combine("sshd.pid")}
            AuthorizedKeysFile {Combine("authorized_keys")}
            PubkeyAuthentication yes
            PasswordAuthentication no
            KbdInteractiveAuthentication no
            PermitRootLogin prohibit-password
            UsePAM no
            StrictModes no
            """, cancellationToken);
        // As root, sshd needs its privilege-separation directory, which only the system service creates.
        if (Environment.UserName == "root")
            Directory.CreateDirectory("/run/sshd");
        var process = await LoopbackServerProcess.StartAsync(
            new ProcessStartInfo(sshd, ["-D", "-e", "-f", Combine("sshd_config")]), port, cancellationToken);
        var hostKey = (await File.ReadAllTextAsync(Combine("host.pub"), cancellationToken)).Split(' ');
        return new GitSshServer(root, process, $"[127.0.0.1]:{port} {hostKey[0]} {hostKey[1]}\n");
    }

    /// <summary>Lets a client key in too (as adding a deploy key does); sshd reads the file on every login.</summary>
    public void Authorize(string publicKey) => File.AppendAllText(Path.Combine(_root, "authorized_keys"), publicKey.Trim() + "\n");

    /// <summary>Creates an empty bare repository and returns its path (push to it with the git CLI).</summary>
    public async Task<string> CreateBareRepositoryAsync(string name)
    {
        var path = Path.Combine(RepositoriesDirectory, name);
        Directory.CreateDirectory(path);
        await GitCli.RunAsync(path, "init", "-q", "--bare");
        return path;
    }

    private static Task KeygenAsync(string path, string password, CancellationToken cancellationToken) =>
        ProcessRunner.RunCheckedAsync("ssh-keygen", ["-q", "-t", "ed25519", "-N", password, "-C", "tide-test", "-f", path],
            ct: cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await _sshd.DisposeAsync();
        TempDirectory.DeleteQuietly(_root);
    }
}
