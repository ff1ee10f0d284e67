using Tide.Engine.Sources;
using Tide.Engine.Sources.Git;
using Tide.Testing;

namespace Tide.Engine.Tests.Sources.Git;

/// <summary>Relative submodule URLs resolve as git resolves them: the expected URL is what `git submodule init`
/// writes for a superproject whose origin is the parent URL.</summary>
public sealed class GitSubmoduleUrlTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private async Task<string> GitResolvesAsync(string parent, string url)
    {
        var work = await WorkRepository.InitAsync(_temp.Combine(Guid.NewGuid().ToString("N")));
        var commit = await work.CommitAsync("empty");
        await work.SetSubmoduleAsync("m", url, commit);
        await work.RunAsync("config", "remote.origin.url", parent);
        await work.RunAsync("submodule", "init", "-q");
        return await GitCli.RunAsync(work.Path, "config", "submodule.m.url");
    }

    [Theory]
    [InlineData("http://h/git/super.git", "../lib.git")]
    [InlineData("http://h/git/super.git/", "./sub")]
    [InlineData("http://h/git/super.git", "./../x/./y")]
    [InlineData("https://h:8443/a/b/super", "../../c/lib")]
    [InlineData("ssh://git@h:22/org/super", "../x")]
    [InlineData("git@h:org/super.git", "../x.git")]
    [InlineData("git@h:org/super.git", "../../x.git")]
    [InlineData("git@h:super.git", "../x")]
    [InlineData("/tmp/a/super.git", "../b.git")]
    [InlineData("file:///tmp/a/super.git", "../../b.git")]
    public async Task RelativeUrl_ResolvesAsGitDoes(string parent, string url)
    {
        Assert.Equal(await GitResolvesAsync(parent, url), GitFetcher.ResolveRelativeUrl(parent, url, "m"));
    }

    [Fact]
    public void RelativeUrl_ClimbingAboveTheHost_IsRefused()
    {
        // git would make "http://x" of it: another host.
        var error = Assert.Throws<SourceFetchException>(() => GitFetcher.ResolveRelativeUrl("http://h/super.git", "../../x", "m"));

        Assert.Contains("submodule 'm': cannot resolve relative URL '../../x' against 'http://h/super.git'", error.Message);
    }
}
