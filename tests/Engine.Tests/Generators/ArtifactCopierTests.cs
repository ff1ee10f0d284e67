using Tide.Engine.Api;
using Tide.Engine.Artifacts;
using Tide.Engine.Generators;
using Tide.Testing;

namespace Tide.Engine.Tests.Generators;

/// <summary>The copy rules of source-watcher's documentation, each example with the files it must produce.</summary>
public sealed class ArtifactCopierTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public ArtifactCopierTests()
    {
        _dir.Write("src/config.yaml", "a: 1\n");
        _dir.Write("src/configs/one.yaml", "one: 1\n");
        _dir.Write("src/configs/two.yaml", "two: 2\n");
        _dir.Write("src/configs/README.md", "docs\n");
        _dir.Write("src/configs/subdir/three.yaml", "three: 3\n");
        _dir.Write("src/configs/testdata/four.yaml", "four: 4\n");
        _dir.Write("src/chart/values.yaml", "image:\n  tag: 1.0\n  pullPolicy: Always\nports: [80, 443]\n");
        _dir.Write("src/values-prod.yaml", "image:\n  tag: 2.0\nports: [8080]\n");
    }

    public void Dispose() => _dir.Dispose();

    private async Task<IReadOnlyList<string>> CopyAsync(params CopyOperation[] operations)
    {
        var staging = _dir.Combine("staging-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(staging);
        await new ArtifactCopier(new Dictionary<string, string> { ["source"] = _dir.Combine("src") }, staging, UnpackLimits.Default)
            .ApplyAsync(operations, CancellationToken.None);
        return Directory.EnumerateFiles(staging, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(staging, f).Replace('\\', '/')).Order(StringComparer.Ordinal).ToList();
    }

    private static CopyOperation Op(string from, string to, string? strategy = null, params string[] exclude) =>
        new() { From = from, To = to, Strategy = strategy, Exclude = exclude.Length == 0 ? null : exclude };

    [Fact]
    public async Task FileToPath_FileToDirectory_GlobToDirectory()
    {
        Assert.Equal(["apps/app.yaml"], await CopyAsync(Op("@source/config.yaml", "@artifact/apps/app.yaml")));
        Assert.Equal(["apps/config.yaml"], await CopyAsync(Op("@source/config.yaml", "@artifact/apps/")));
        Assert.Equal(["apps/configs/one.yaml", "apps/configs/two.yaml"], await CopyAsync(Op("@source/configs/*.yaml", "@artifact/apps/")));
    }

    [Fact]
    public async Task DirectoryCopiesAsSubdirectory_DoubleStarCopiesItsContents()
    {
        Assert.Equal(["apps/configs/README.md", "apps/configs/one.yaml", "apps/configs/subdir/three.yaml", "apps/configs/testdata/four.yaml",
            "apps/configs/two.yaml"], await CopyAsync(Op("@source/configs/", "@artifact/apps/")));
        Assert.Equal(["apps/README.md", "apps/one.yaml", "apps/subdir/three.yaml", "apps/testdata/four.yaml", "apps/two.yaml"],
            await CopyAsync(Op("@source/configs/**", "@artifact/apps/")));
        // "@source/" is the whole source at the artifact's root.
        Assert.Contains("chart/values.yaml", await CopyAsync(Op("@source/", "@artifact/")));
    }

    [Fact]
    public async Task Exclude_ByFileName_ByAnyDirectory_AndRelativeToTheGlobPrefix()
    {
        Assert.Equal(["apps/one.yaml", "apps/two.yaml"],
            await CopyAsync(Op("@source/configs/**", "@artifact/apps/", null, "*.md", "**/testdata/**", "subdir/**")));
    }

    [Fact]
    public async Task Merge_MergesMapsAndReplacesArrays_AsHelmValues()
    {
        var staging = await CopyAsync(Op("@source/chart/", "@artifact/"), Op("@source/values-prod.yaml", "@artifact/chart/values.yaml", "Merge"));
        Assert.Equal(["chart/values.yaml"], staging);
    }

    [Fact]
    public void ValuesMerge_MatchesHelmsOverride()
    {
        var merged = ValuesMerge.Merge("image:\n  tag: 1.0\n  pullPolicy: Always\nports: [80, 443]\n", "image:\n  tag: 2.0\nports: [8080]\n");
        Assert.Equal("image:\n  pullPolicy: Always\n  tag: 2\nports:\n- 8080\n", merged.Replace("\r\n", "\n"));
    }

    [Fact]
    public async Task Extract_UnpacksTarballsKeepingTheirLayout()
    {
        var tarball = _dir.Combine("src", "charts", "app-1.0.0.tgz");
        Directory.CreateDirectory(Path.GetDirectoryName(tarball)!);
        await using (var file = File.Create(tarball))
            await TarballPacker.PackAsync(_dir.Combine("src", "configs"), file, null, CancellationToken.None);
        Assert.Equal(["out/README.md", "out/one.yaml", "out/subdir/three.yaml", "out/testdata/four.yaml", "out/two.yaml"],
            await CopyAsync(Op("@source/charts/*.tgz", "@artifact/out/", "Extract")));
    }

    [Theory]
    [InlineData("@source/missing.yaml", "@artifact/", "source 'missing.yaml' does not exist")]
    [InlineData("@source/nothing/*.yaml", "@artifact/", "no files match pattern 'nothing/*.yaml' in source 'source'")]
    [InlineData("@other/x.yaml", "@artifact/", "source alias 'other' not found")]
    [InlineData("@source/config.yaml", "@elsewhere/", "invalid copy destination '@elsewhere/': destination must start with '@artifact/'")]
    [InlineData("@source/configs/", "@artifact/", "extract strategy is not supported for directories, got 'configs'", "Extract")]
    public async Task BadRules_FailWithSourceWatchersMessage(string from, string to, string message, string? strategy = null)
    {
        var error = await Assert.ThrowsAsync<CopyFailedException>(() => CopyAsync(Op(from, to, strategy)));
        Assert.Equal($"failed to apply copy operation from '{from}' to '{to}': {message}", error.Message);
    }
}
