using Tide.Engine.Sources.Ignore;

namespace Tide.Engine.Tests.Sources.Ignore;

public sealed class IgnoreMatcherTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private static IgnoreMatcher Matcher(string patterns) => new(SourceIgnore.ParseLines(patterns, []).ToList());

    [Theory]
    [InlineData("*.md", "README.md", false, true)]
    [InlineData("*.md", "docs/guide.md", false, true)]
    [InlineData("docs/", "docs", true, true)]
    [InlineData("docs/", "docs/a.yaml", false, true)]
    [InlineData("docs/", "docs", false, false)]
    [InlineData("/deploy", "deploy/app.yaml", false, true)]
    [InlineData("/deploy", "sub/deploy/app.yaml", false, false)]
    [InlineData("deploy", "sub/deploy/app.yaml", false, true)]
    [InlineData("a/*.yaml", "a/x.yaml", false, true)]
    [InlineData("a/*.yaml", "b/a/x.yaml", false, false)]
    [InlineData("**/secret.yaml", "x/y/secret.yaml", false, true)]
    [InlineData("**/secret.yaml", "secret.yaml", false, true)]
    [InlineData("a/**/z.yaml", "a/b/c/z.yaml", false, true)]
    [InlineData("a/**", "a/b/c.yaml", false, true)]
    [InlineData("file-[0-9].yaml", "file-7.yaml", false, true)]
    [InlineData("file-[!0-9].yaml", "file-7.yaml", false, false)]
    [InlineData("?.yaml", "ab.yaml", false, false)]
    [InlineData("# comment", "# comment", false, false)]
    public void Pattern_MatchesLikeFlux(string pattern, string path, bool isDirectory, bool excluded)
    {
        Assert.Equal(excluded, Matcher(pattern).IsExcluded(path, isDirectory));
    }

    [Fact]
    public void LaterNegation_ReIncludes()
    {
        var matcher = Matcher("/*\n!/deploy\n");

        Assert.True(matcher.IsExcluded("README.md", false));
        Assert.False(matcher.IsExcluded("deploy", true));
        Assert.False(matcher.IsExcluded("deploy/app.yaml", false));
    }

    [Fact]
    public void Defaults_ApplyOnlyWithoutAnyUserPattern()
    {
        _temp.Write("logo.png", "x");
        _temp.Write(".github/workflows/ci.yaml", "x");
        _temp.Write("app.yaml", "x");

        var defaults = SourceIgnore.ForDirectory(_temp.Path, null);
        Assert.True(defaults.IsExcluded("logo.png", false));
        Assert.True(defaults.IsExcluded(".github/workflows/ci.yaml", false));
        Assert.True(defaults.IsExcluded(".git/config", false));
        Assert.True(defaults.IsExcluded("sub/.sops.yaml", false));
        Assert.False(defaults.IsExcluded("app.yaml", false));

        // Any user pattern replaces the defaults (VCS files stay excluded), as in Flux.
        var custom = SourceIgnore.ForDirectory(_temp.Path, "*.txt");
        Assert.False(custom.IsExcluded("logo.png", false));
        Assert.True(custom.IsExcluded("notes.txt", false));
        Assert.True(custom.IsExcluded(".gitignore", false));
    }

    [Fact]
    public void SourceIgnoreFiles_AreScopedToTheirDirectory()
    {
        _temp.Write(".sourceignore", "*.md\n");
        _temp.Write("apps/.sourceignore", "/local.yaml\n!keep.md\n");

        var matcher = SourceIgnore.ForDirectory(_temp.Path, null);

        Assert.True(matcher.IsExcluded("README.md", false));
        Assert.True(matcher.IsExcluded("apps/local.yaml", false));
        Assert.False(matcher.IsExcluded("local.yaml", false));
        Assert.False(matcher.IsExcluded("apps/keep.md", false));
        Assert.True(matcher.IsExcluded("other/keep.md", false));
    }
}
