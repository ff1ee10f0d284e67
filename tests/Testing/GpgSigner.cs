namespace Tide.Testing;

/// <summary>
/// A throwaway OpenPGP key made by the real `gpg` in its own GNUPGHOME (a temp directory), used by the real git to
/// sign commits and tags of a <see cref="WorkRepository"/>.
/// </summary>
public sealed class GpgSigner : IDisposable
{
    private readonly string _home;

    private GpgSigner(string home, string fingerprint, string publicKey)
    {
        _home = home;
        Fingerprint = fingerprint;
        PublicKey = publicKey;
    }

    public string Fingerprint { get; }

    /// <summary>The primary key ID as Flux prints it: the last 16 hex digits of the fingerprint.</summary>
    public string KeyId => Fingerprint[^16..];

    /// <summary>The armored public key (what a verification Secret holds).</summary>
    public string PublicKey { get; }

    public static async Task<GpgSigner> CreateAsync(string name = "Tide Signer")
    {
        var home = Directory.CreateTempSubdirectory("tide-gnupg-").FullName;
        var environment = new Dictionary<string, string> { ["GNUPGHOME"] = home };
        var uid = $"{name} <signer@tide.invalid>";
        await ProcessRunner.RunCheckedAsync("gpg", ["--batch", "--pinentry-mode", "loopback", "--passphrase", "",
            "--quick-gen-key", uid, "rsa2048", "sign", "never"], environment: environment);
        var listing = await ProcessRunner.RunCheckedAsync("gpg", ["--batch", "--with-colons", "--list-keys", uid], environment: environment);
        var fingerprint = listing.Split('\n').First(l => l.StartsWith("fpr:", StringComparison.Ordinal)).Split(':')[9];
        var publicKey = await ProcessRunner.RunCheckedAsync("gpg", ["--batch", "--armor", "--export", fingerprint], environment: environment);
        return new GpgSigner(home, fingerprint, publicKey);
    }

    /// <summary>Commits everything in the repository, signed; returns the commit SHA.</summary>
    public async Task<string> CommitAsync(WorkRepository repository, string message, params (string Path, string Content)[] files)
    {
        foreach (var (relative, content) in files)
        {
            var full = Path.Combine(repository.Path, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            await File.WriteAllTextAsync(full, content);
        }
        await GitAsync(repository, "add", "-A");
        await GitAsync(repository, "commit", "-q", "-S", "--allow-empty", "-m", message);
        return (await GitAsync(repository, "rev-parse", "HEAD")).Trim();
    }

    /// <summary>Creates a signed annotated tag on HEAD.</summary>
    public Task TagAsync(WorkRepository repository, string name) => GitAsync(repository, "tag", "-s", "-m", $"release {name}", name);

    private Task<string> GitAsync(WorkRepository repository, params string[] arguments) =>
        ProcessRunner.RunCheckedAsync("git", ["-c", $"user.signingkey={Fingerprint}", "-c", "gpg.program=gpg", .. arguments],
            repository.Path, new Dictionary<string, string>
            {
                ["GNUPGHOME"] = _home,
                ["GIT_CONFIG_GLOBAL"] = "/dev/null",
                ["GIT_CONFIG_NOSYSTEM"] = "1",
                ["GIT_AUTHOR_NAME"] = "Tide Signer",
                ["GIT_AUTHOR_EMAIL"] = "signer@tide.invalid",
                ["GIT_COMMITTER_NAME"] = "Tide Signer",
                ["GIT_COMMITTER_EMAIL"] = "signer@tide.invalid",
            });

    public void Dispose()
    {
        // gpg-agent was started for this home; stop it so no process outlives the test.
        ProcessRunner.RunAsync("gpgconf", ["--kill", "gpg-agent"], environment: new Dictionary<string, string> { ["GNUPGHOME"] = _home })
            .GetAwaiter().GetResult();
        TempDirectory.DeleteQuietly(_home);
    }
}
