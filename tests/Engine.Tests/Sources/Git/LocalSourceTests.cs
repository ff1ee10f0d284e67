using Tide.Engine.Api;
using Tide.Engine.Sources;
using Tide.Engine.Sources.Git;

namespace Tide.Engine.Tests.Sources.Git;

/// <summary>Local URLs (file:// and paths) only where the node allows them, and the clone cache never.</summary>
public sealed class LocalSourceTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private static Task<GitRevision> FetchAsync(GitFetcher fetcher, string key, string url) =>
        fetcher.FetchAsync(key, url, new GitRepositoryRef { Branch = "main" }, null, CancellationToken.None);

    [Fact]
    public async Task Fetch_LocalPathOrFileUrl_IsRefusedAsTerminal_WhenLocalSourcesAreNotAllowed()
    {
        var repo = await WorkRepository.InitAsync(_temp.Combine("repo"));
        await repo.CommitAsync("first", ("a.yaml", "a"));
        var fetcher = new GitFetcher(_temp.Combine("cache"));

        foreach (var url in new[] { repo.Path, new Uri(repo.Path).AbsoluteUri, "./relative/path" })
        {
            var error = await Assert.ThrowsAsync<SourceFetchException>(() => FetchAsync(fetcher, "GitRepository/t/a", url));
            Assert.Equal(ConditionReasons.UrlInvalid, error.Reason);
            Assert.True(error.Terminal);
            Assert.Equal($"failed to parse url '{url}': local Git URLs (file:// and paths) are not allowed on this cluster; " +
                         "set tide.sources.allow-local = on to allow them", error.Message);
        }
        Assert.Empty(Directory.EnumerateFileSystemEntries(_temp.Combine("cache")));
    }

    [Fact]
    public async Task Fetch_TheCloneCacheOfAnotherSource_IsRefused_EvenWhenLocalSourcesAreAllowed()
    {
        var repo = await WorkRepository.InitAsync(_temp.Combine("repo"));
        await repo.CommitAsync("tenant a's secret", ("a.yaml", "a"));
        var fetcher = new GitFetcher(_temp.Combine("cache"), allowLocal: true);
        await FetchAsync(fetcher, "GitRepository/tenant-a/app", repo.Path);
        var cached = Directory.GetDirectories(_temp.Combine("cache")).Single();
        var link = _temp.Combine("innocent-looking");
        Directory.CreateSymbolicLink(link, cached);

        foreach (var url in new[] { cached, new Uri(cached).AbsoluteUri, link, _temp.Combine("cache") })
        {
            var error = await Assert.ThrowsAsync<SourceFetchException>(() => FetchAsync(fetcher, "GitRepository/tenant-b/steal", url));
            Assert.Equal(ConditionReasons.UrlInvalid, error.Reason);
            Assert.True(error.Terminal);
            Assert.EndsWith("Tide's clone cache is not a source", error.Message);
        }
    }
}
