using System.Net;
using System.Net.Sockets;
using System.Runtime.Versioning;
using Tide.Engine.Api;
using Tide.Engine.Sources;
using Tide.Engine.Sources.Git;
using Tide.Testing;

namespace Tide.Engine.Tests.Sources.Git;

[SupportedOSPlatform("linux")]
public sealed class GitFetcherTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly GitFetcher _fetcher;

    public GitFetcherTests() => _fetcher = new GitFetcher(_temp.Combine("cache"), allowLocal: true);

    public void Dispose() => _temp.Dispose();

    private Task<GitRevision> FetchAsync(string url, GitRepositoryRef? reference = null, CancellationToken cancellationToken = default) =>
        _fetcher.FetchAsync("GitRepository/default/test", url, reference, null, cancellationToken);

    private async Task<string> ExportAsync(GitRevision revision)
    {
        var destination = _temp.Combine("export-" + Guid.NewGuid().ToString("N"));
        await _fetcher.ExportAsync("GitRepository/default/test", revision.Commit, destination, null, recurseSubmodules: false, CancellationToken.None);
        return destination;
    }

    [Fact]
    public async Task Fetch_LocalPath_Branch_GivesFluxRevisionAndFiles()
    {
        var repo = await WorkRepository.InitAsync(_temp.Combine("repo"));
        var sha = await repo.CommitAsync("first", ("deploy/app.yaml", "kind: ConfigMap\n"));

        var revision = await FetchAsync(repo.Path, new GitRepositoryRef { Branch = "main" });

        Assert.Equal($"main@sha1:{sha}", revision.Revision);
        Assert.Equal("first", revision.Message);
        var tree = await ExportAsync(revision);
        Assert.Equal("kind: ConfigMap\n", await File.ReadAllTextAsync(Path.Combine(tree, "deploy", "app.yaml")));
        Assert.False(Directory.Exists(Path.Combine(tree, ".git")));
    }

    [Fact]
    public async Task Fetch_FileUrl_Works()
    {
        var repo = await WorkRepository.InitAsync(_temp.Combine("repo"), "master");
        var sha = await repo.CommitAsync("first", ("a.yaml", "a"));

        var revision = await FetchAsync(new Uri(repo.Path).AbsoluteUri);

        // No reference at all means the 'master' branch, as in Flux.
        Assert.Equal($"master@sha1:{sha}", revision.Revision);
    }

    [Fact]
    public async Task Fetch_NoReference_WhenThereIsNoMaster_NamesTheMissingBranch()
    {
        var repo = await WorkRepository.InitAsync(_temp.Combine("repo"), "main");
        await repo.CommitAsync("first", ("a.yaml", "a"));

        var error = await Assert.ThrowsAsync<SourceFetchException>(() => FetchAsync(repo.Path));

        Assert.Equal(ConditionReasons.GitOperationFailed, error.Reason);
        Assert.Contains("couldn't find remote ref 'refs/heads/master'", error.Message);
        Assert.Contains("branch 'master' does not exist", error.Message);
        Assert.False(error.Terminal);
    }

    [Fact]
    public async Task Fetch_Precedence_CommitThenNameThenSemverThenTagThenBranch()
    {
        var repo = await WorkRepository.InitAsync(_temp.Combine("repo"));
        var first = await repo.CommitAsync("first", ("a.yaml", "1"));
        await repo.TagAsync("v1.0.0");
        var second = await repo.CommitAsync("second", ("a.yaml", "2"));
        await repo.TagAsync("v1.2.0", "annotated release");
        await repo.CheckoutAsync("dev", create: true);
        var dev = await repo.CommitAsync("on dev", ("a.yaml", "dev"));
        await repo.CheckoutAsync("main");
        var main = await repo.CommitAsync("third", ("a.yaml", "3"));
        var all = new GitRepositoryRef { Branch = "main", Tag = "v1.0.0", Semver = "^1.0.0", Name = "refs/heads/dev", Commit = first };

        // With a commit, Flux names the revision after spec.ref.name, else the branch, else the bare commit.
        Assert.Equal($"refs/heads/dev@sha1:{first}", (await FetchAsync(repo.Path, all)).Revision);
        Assert.Equal($"main@sha1:{first}", (await FetchAsync(repo.Path, all with { Name = null })).Revision);
        Assert.Equal($"sha1:{first}", (await FetchAsync(repo.Path, new GitRepositoryRef { Commit = first })).Revision);
        Assert.Equal($"refs/heads/dev@sha1:{dev}", (await FetchAsync(repo.Path, all with { Commit = null })).Revision);
        Assert.Equal($"v1.2.0@sha1:{second}", (await FetchAsync(repo.Path, all with { Commit = null, Name = null })).Revision);
        Assert.Equal($"v1.0.0@sha1:{first}", (await FetchAsync(repo.Path, all with { Commit = null, Name = null, Semver = null })).Revision);
        Assert.Equal($"main@sha1:{main}", (await FetchAsync(repo.Path, new GitRepositoryRef { Branch = "main" })).Revision);
    }

    [Fact]
    public async Task Fetch_Semver_PicksTheHighestMatchingTag()
    {
        var repo = await WorkRepository.InitAsync(_temp.Combine("repo"));
        var expected = "";
        foreach (var tag in new[] { "v1.0.0", "v1.10.0", "v1.2.0", "v2.0.0", "v1.11.0-rc.1", "v1.12", "not-a-version" })
        {
            var sha = await repo.CommitAsync(tag, ("version.txt", tag));
            await repo.TagAsync(tag, tag.StartsWith("v1.10", StringComparison.Ordinal) ? "annotated" : null);
            if (tag == "v1.10.0")
                expected = sha;
        }

        var revision = await FetchAsync(repo.Path, new GitRepositoryRef { Semver = ">=1.0.0 <2.0.0" });

        Assert.Equal($"v1.10.0@sha1:{expected}", revision.Revision);
        Assert.Equal("v1.10.0", await File.ReadAllTextAsync(Path.Combine(await ExportAsync(revision), "version.txt")));
    }

    [Fact]
    public async Task Fetch_Semver_NoMatchOrBadRange_IsReported()
    {
        var repo = await WorkRepository.InitAsync(_temp.Combine("repo"));
        await repo.CommitAsync("first", ("a.yaml", "1"));
        await repo.TagAsync("v1.0.0");

        var none = await Assert.ThrowsAsync<SourceFetchException>(() => FetchAsync(repo.Path, new GitRepositoryRef { Semver = "^2" }));
        Assert.Contains("no match found for semver: ^2", none.Message);

        var bad = await Assert.ThrowsAsync<SourceFetchException>(() => FetchAsync(repo.Path, new GitRepositoryRef { Semver = "not a range" }));
        Assert.Contains("semver parse error", bad.Message);
        Assert.True(bad.Terminal);
    }

    [Fact]
    public async Task Fetch_MissingTag_NamesIt()
    {
        var repo = await WorkRepository.InitAsync(_temp.Combine("repo"));
        await repo.CommitAsync("first", ("a.yaml", "1"));

        var error = await Assert.ThrowsAsync<SourceFetchException>(() => FetchAsync(repo.Path, new GitRepositoryRef { Tag = "v9.9.9" }));

        Assert.Contains("tag 'v9.9.9' does not exist", error.Message);
    }

    [Fact]
    public async Task Fetch_OverHttp_ThenAgainAfterAPush_ReusesTheCache()
    {
        await using var server = await GitHttpServer.StartAsync();
        var bare = await server.CreateBareRepositoryAsync("app.git");
        var repo = await WorkRepository.InitAsync(_temp.Combine("repo"));
        var first = await repo.CommitAsync("first", ("deploy/app.yaml", "v1"));
        await repo.PushAsync(bare);

        var revision = await FetchAsync(server.UrlFor("app.git"), new GitRepositoryRef { Branch = "main" });
        Assert.Equal($"main@sha1:{first}", revision.Revision);
        var cache = Assert.Single(Directory.GetDirectories(_temp.Combine("cache")));
        var marker = Path.Combine(cache, "tide-test-marker");
        await File.WriteAllTextAsync(marker, "still here");

        var second = await repo.CommitAsync("second", ("deploy/app.yaml", "v2"));
        await repo.PushAsync(bare);
        var next = await FetchAsync(server.UrlFor("app.git"), new GitRepositoryRef { Branch = "main" });

        Assert.Equal($"main@sha1:{second}", next.Revision);
        Assert.Equal("v2", await File.ReadAllTextAsync(Path.Combine(await ExportAsync(next), "deploy", "app.yaml")));
        Assert.True(File.Exists(marker), "the cached clone was replaced instead of fetched into");
    }

    [Fact]
    public async Task Fetch_OverGitProtocol_Works()
    {
        await using var daemon = await GitDaemonServer.StartAsync();
        var bare = await daemon.CreateBareRepositoryAsync("app.git");
        var repo = await WorkRepository.InitAsync(_temp.Combine("repo"));
        var sha = await repo.CommitAsync("first", ("a.yaml", "a"));
        await repo.TagAsync("v0.1.0");
        await repo.PushAsync(bare);

        var revision = await FetchAsync(daemon.UrlFor("app.git"), new GitRepositoryRef { Tag = "v0.1.0" });

        Assert.Equal($"v0.1.0@sha1:{sha}", revision.Revision);
        Assert.Equal("a", await File.ReadAllTextAsync(Path.Combine(await ExportAsync(revision), "a.yaml")));
    }

    [Fact]
    public async Task Fetch_OverHttp_MissingBranch_NamesIt()
    {
        await using var server = await GitHttpServer.StartAsync();
        var bare = await server.CreateBareRepositoryAsync("app.git");
        var repo = await WorkRepository.InitAsync(_temp.Combine("repo"));
        await repo.CommitAsync("first", ("a.yaml", "1"));
        await repo.PushAsync(bare);

        var error = await Assert.ThrowsAsync<SourceFetchException>(() =>
            FetchAsync(server.UrlFor("app.git"), new GitRepositoryRef { Branch = "release" }));

        Assert.Equal(
            $"failed to checkout and determine revision: unable to clone '{server.UrlFor("app.git")}': couldn't find remote ref 'refs/heads/release': branch 'release' does not exist",
            error.Message);
    }

    [Fact]
    public async Task Fetch_EmptyRepository_SaysSo()
    {
        await using var server = await GitHttpServer.StartAsync();
        await server.CreateBareRepositoryAsync("empty.git");

        var error = await Assert.ThrowsAsync<SourceFetchException>(() => FetchAsync(server.UrlFor("empty.git")));

        Assert.Equal((ConditionReasons.EmptyGitRepository, "git repository is empty"), (error.Reason, error.Message));
    }

    [Fact]
    public async Task Fetch_UnreachableUrl_IsAGitOperationFailure()
    {
        int port;
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        var url = $"http://127.0.0.1:{port}/nothing.git";

        var error = await Assert.ThrowsAsync<SourceFetchException>(() => FetchAsync(url));

        Assert.Equal(ConditionReasons.GitOperationFailed, error.Reason);
        Assert.StartsWith($"failed to checkout and determine revision: unable to list remote for '{url}': ", error.Message);
    }

    [Fact]
    public async Task Fetch_ServerThatNeverAnswers_StopsAtTheTimeout()
    {
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var url = $"http://127.0.0.1:{((IPEndPoint)silent.LocalEndpoint).Port}/slow.git";
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(1));
        var started = DateTime.UtcNow;

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => FetchAsync(url, null, timeout.Token));

        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Fetch_UnsupportedUrls_AreTerminal()
    {
        var ftp = await Assert.ThrowsAsync<SourceFetchException>(() => FetchAsync("ftp://127.0.0.1/repo.git"));
        Assert.Equal(ConditionReasons.UrlInvalid, ftp.Reason);
        Assert.True(ftp.Terminal);
    }

    [Fact]
    public async Task Export_SparseCheckout_WritesOnlyTheDirectories()
    {
        var repo = await WorkRepository.InitAsync(_temp.Combine("repo"));
        var sha = await repo.CommitAsync("files", ("deploy/base/app.yaml", "a"), ("docs/x.md", "d"), ("root.yaml", "r"));
        await FetchAsync(repo.Path, new GitRepositoryRef { Commit = sha });
        var destination = _temp.Combine("sparse");

        await _fetcher.ExportAsync("GitRepository/default/test", sha, destination, ["./deploy/base"], recurseSubmodules: false, CancellationToken.None);

        Assert.Equal(["deploy/base/app.yaml"], Directory.EnumerateFiles(destination, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(destination, f)));
        var missing = await Assert.ThrowsAsync<SourceFetchException>(() =>
            _fetcher.ExportAsync("GitRepository/default/test", sha, _temp.Combine("sparse2"), ["nope"], recurseSubmodules: false, CancellationToken.None));
        Assert.Contains("sparse checkout dir 'nope' does not exist in repository", missing.Message);
    }

    [Fact]
    public async Task Export_KeepsExecutableBitAndDropsSymlinks()
    {
        var repo = await WorkRepository.InitAsync(_temp.Combine("repo"));
        await File.WriteAllTextAsync(Path.Combine(repo.Path, "run.sh"), "#!/bin/sh\n");
        File.SetUnixFileMode(Path.Combine(repo.Path, "run.sh"), (UnixFileMode)0b111_101_101);
        File.CreateSymbolicLink(Path.Combine(repo.Path, "link.yaml"), "run.sh");
        var revision = await FetchAsync(repo.Path, new GitRepositoryRef { Commit = await repo.CommitAsync("files") });

        var tree = await ExportAsync(revision);

        Assert.True((File.GetUnixFileMode(Path.Combine(tree, "run.sh")) & UnixFileMode.UserExecute) != 0);
        Assert.False(File.Exists(Path.Combine(tree, "link.yaml")));
    }
}
