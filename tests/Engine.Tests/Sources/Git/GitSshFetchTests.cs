using System.Runtime.Versioning;
using System.Text;
using Tide.Engine.Api;
using Tide.Engine.Sources;
using Tide.Engine.Sources.Git;
using Tide.Testing;

namespace Tide.Engine.Tests.Sources.Git;

/// <summary>Fetching ssh:// URLs through the system ssh client against a real sshd on loopback (key-only).</summary>
[SupportedOSPlatform("linux")]
public sealed class GitSshFetchTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly GitFetcher _fetcher;

    public GitSshFetchTests() => _fetcher = new GitFetcher(_temp.Combine("cache"), allowLocal: true);

    public void Dispose() => _temp.Dispose();

    private async Task<(GitSshServer Server, string Sha)> ServeAsync(string? keyPassword = null)
    {
        var server = await GitSshServer.StartAsync(keyPassword);
        var bare = await server.CreateBareRepositoryAsync("app.git");
        var work = await WorkRepository.InitAsync(_temp.Combine("work-" + Guid.NewGuid().ToString("N")));
        var sha = await work.CommitAsync("over ssh", ("deploy/app.yaml", "kind: ConfigMap\n"));
        await work.PushAsync(bare);
        return (server, sha);
    }

    private Task<GitRevision> FetchAsync(GitSshServer server, GitCredentials? credentials) =>
        _fetcher.FetchAsync("GitRepository/default/ssh", server.UrlFor("app.git"), new GitRepositoryRef { Branch = "main" },
            new GitFetchOptions { Credentials = credentials }, CancellationToken.None);

    private static GitCredentials Credentials(GitSshServer server, string? knownHosts = null, string? password = null) =>
        GitCredentials.FromSecret(new Dictionary<string, byte[]>
        {
            ["identity"] = Encoding.UTF8.GetBytes(server.ClientKey),
            ["known_hosts"] = Encoding.UTF8.GetBytes(knownHosts ?? server.KnownHosts),
            ["password"] = Encoding.UTF8.GetBytes(password ?? ""),
        })!;

    [Fact]
    public async Task Fetch_Identity_KnownHosts_FetchesAndExports()
    {
        var (server, sha) = await ServeAsync();
        await using var _ = server;

        var revision = await FetchAsync(server, Credentials(server));

        Assert.Equal($"main@sha1:{sha}", revision.Revision);
        var destination = _temp.Combine("export");
        await _fetcher.ExportAsync("GitRepository/default/ssh", revision.Commit, destination, null, recurseSubmodules: false, CancellationToken.None);
        Assert.Equal("kind: ConfigMap\n", await File.ReadAllTextAsync(Path.Combine(destination, "deploy", "app.yaml")));
    }

    [Fact]
    public async Task Fetch_UnknownHostKey_IsRefusedByStrictHostChecking()
    {
        var (server, _) = await ServeAsync();
        await using var __ = server;
        await using var other = await GitSshServer.StartAsync();
        // A known_hosts entry for this address, but with another server's key.
        var wrongHosts = server.KnownHosts.Split(' ')[0] + " " + string.Join(' ', other.KnownHosts.Split(' ')[1..]);

        var error = await Assert.ThrowsAsync<SourceFetchException>(() => FetchAsync(server, Credentials(server, knownHosts: wrongHosts)));

        Assert.Equal(ConditionReasons.GitOperationFailed, error.Reason);
        Assert.Contains("Host key verification failed", error.Message);
    }

    [Fact]
    public async Task Fetch_WithoutKnownHosts_TrustsNoHost()
    {
        var (server, _) = await ServeAsync();
        await using var __ = server;

        var error = await Assert.ThrowsAsync<SourceFetchException>(() => FetchAsync(server,
            GitCredentials.FromSecret(new Dictionary<string, byte[]> { ["identity"] = Encoding.UTF8.GetBytes(server.ClientKey) })));

        Assert.Contains("Host key verification failed", error.Message);
    }

    [Fact]
    public async Task Fetch_KeyTheServerDoesNotAccept_FailsWithAuthenticationFailed()
    {
        var (server, _) = await ServeAsync();
        await using var __ = server;
        await using var other = await GitSshServer.StartAsync();
        var foreignKey = Credentials(server) with { Identity = Encoding.UTF8.GetBytes(other.ClientKey) };

        var error = await Assert.ThrowsAsync<SourceFetchException>(() => FetchAsync(server, foreignKey));

        Assert.Contains("authentication failed", error.Message);
        Assert.Contains("Permission denied (publickey)", error.Message);
    }

    [Fact]
    public async Task Fetch_PasswordProtectedKey_UsesThePasswordFromTheSecret()
    {
        const string keyPassword = "key-Pa55phrase";
        var (server, sha) = await ServeAsync(keyPassword);
        await using var _ = server;

        var revision = await FetchAsync(server, Credentials(server, password: keyPassword));
        Assert.Equal($"main@sha1:{sha}", revision.Revision);

        var error = await Assert.ThrowsAsync<SourceFetchException>(() =>
            _fetcher.FetchAsync("GitRepository/default/ssh-wrong", server.UrlFor("app.git"), new GitRepositoryRef { Branch = "main" },
                new GitFetchOptions { Credentials = Credentials(server, password: "wrong-passphrase") }, CancellationToken.None));
        Assert.Contains("authentication failed", error.Message);
        Assert.DoesNotContain("wrong-passphrase", error.Message);
    }
}
