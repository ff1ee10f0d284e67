using System.Diagnostics;
using System.Formats.Tar;
using System.IO.Compression;
using System.Runtime.Versioning;
using System.Security.Cryptography;
using Tide.Engine.Artifacts;

namespace Tide.Engine.Tests.Artifacts;

[SupportedOSPlatform("linux")]
public sealed class TarballPackerTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private static async Task<byte[]> PackAsync(string root, Func<string, bool, bool>? exclude = null)
    {
        using var output = new MemoryStream();
        await TarballPacker.PackAsync(root, output, exclude, CancellationToken.None);
        return output.ToArray();
    }

    private static List<TarEntry> Entries(byte[] tarGz)
    {
        using var reader = new TarReader(new GZipStream(new MemoryStream(tarGz), CompressionMode.Decompress));
        var entries = new List<TarEntry>();
        while (reader.GetNextEntry(copyData: true) is { } entry)
            entries.Add(entry);
        return entries;
    }

    private void WriteTree(string root, bool reversed = false)
    {
        var files = new[] { ("b/z.yaml", "z"), ("a.yaml", "a"), ("b/a.yaml", "ba"), ("a/x.yaml", "x"), ("a.txt", "t") };
        foreach (var (path, content) in reversed ? files.Reverse() : files)
        {
            var full = Path.Combine(root, path);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            File.WriteAllText(full, content);
        }
    }

    [Fact]
    public async Task Pack_SameTreeTwice_GivesSameBytes()
    {
        WriteTree(_temp.Combine("one"));

        var first = await PackAsync(_temp.Combine("one"));
        var second = await PackAsync(_temp.Combine("one"));

        Assert.Equal(SHA256.HashData(first), SHA256.HashData(second));
    }

    [Fact]
    public async Task Pack_SameContentWithOtherTimesAndCreationOrder_GivesSameDigest()
    {
        WriteTree(_temp.Combine("one"));
        WriteTree(_temp.Combine("two"), reversed: true);
        foreach (var file in Directory.EnumerateFileSystemEntries(_temp.Combine("two"), "*", SearchOption.AllDirectories))
            File.SetLastWriteTimeUtc(file, new DateTime(2001, 2, 3, 4, 5, 6, DateTimeKind.Utc));

        Assert.Equal(SHA256.HashData(await PackAsync(_temp.Combine("one"))), SHA256.HashData(await PackAsync(_temp.Combine("two"))));
    }

    [Fact]
    public async Task Pack_ChangedContent_GivesOtherDigest()
    {
        WriteTree(_temp.Combine("one"));
        var before = SHA256.HashData(await PackAsync(_temp.Combine("one")));

        File.WriteAllText(_temp.Combine("one", "b", "a.yaml"), "changed");

        Assert.NotEqual(before, SHA256.HashData(await PackAsync(_temp.Combine("one"))));
    }

    [Fact]
    public async Task Pack_Headers_AreSortedAndCarryNoHostData()
    {
        WriteTree(_temp.Combine("one"));
        var script = _temp.Write("one/run.sh", "#!/bin/sh\n");
        File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        var entries = Entries(await PackAsync(_temp.Combine("one")));

        Assert.Equal(["a/", "a/x.yaml", "a.txt", "a.yaml", "b/", "b/a.yaml", "b/z.yaml", "run.sh"], entries.Select(e => e.Name));
        Assert.All(entries, e =>
        {
            Assert.Equal(DateTimeOffset.UnixEpoch, e.ModificationTime);
            Assert.Equal(0, e.Uid);
            Assert.Equal(0, e.Gid);
        });
        const UnixFileMode rw_r__r__ = (UnixFileMode)0b110_100_100;
        const UnixFileMode rwxr_xr_x = (UnixFileMode)0b111_101_101;
        Assert.Equal(rwxr_xr_x, entries.Single(e => e.Name == "a/").Mode);
        Assert.Equal(rw_r__r__, entries.Single(e => e.Name == "a.yaml").Mode);
        Assert.Equal(rwxr_xr_x, entries.Single(e => e.Name == "run.sh").Mode);
    }

    [Fact]
    public async Task Pack_Symlinks_AreLeftOutLikeFlux()
    {
        _temp.Write("one/real.yaml", "r");
        File.CreateSymbolicLink(_temp.Combine("one", "link.yaml"), "real.yaml");
        Directory.CreateSymbolicLink(_temp.Combine("one", "linkdir"), "/etc");

        var entries = Entries(await PackAsync(_temp.Combine("one")));

        Assert.Equal(["real.yaml"], entries.Select(e => e.Name));
    }

    [Fact]
    public async Task Pack_Exclude_SkipsEntriesButStillAsksAboutChildrenOfExcludedDirectories()
    {
        WriteTree(_temp.Combine("one"));
        var asked = new List<string>();

        var entries = Entries(await PackAsync(_temp.Combine("one"), (path, isDirectory) =>
        {
            asked.Add(path);
            return path.StartsWith('b') && path != "b/z.yaml";
        }));

        Assert.Contains("b/z.yaml", asked);
        Assert.Equal(["a/", "a/x.yaml", "a.txt", "a.yaml", "b/z.yaml"], entries.Select(e => e.Name));
    }

    [Fact]
    public async Task Pack_LongPaths_Survive()
    {
        var deep = string.Join('/', Enumerable.Range(0, 12).Select(i => $"directory-number-{i:00}")) + "/file.yaml";
        var longName = new string('n', 150) + ".yaml";
        _temp.Write("one/" + deep, "deep");
        _temp.Write("one/" + longName, "long");

        var entries = Entries(await PackAsync(_temp.Combine("one")));

        Assert.Contains(entries, e => e.Name == deep && new StreamReader(e.DataStream!).ReadToEnd() == "deep");
        Assert.Contains(entries, e => e.Name == longName && new StreamReader(e.DataStream!).ReadToEnd() == "long");
    }

    [Fact]
    public async Task Pack_IsReadableByGnuTar()
    {
        WriteTree(_temp.Combine("one"));
        var archive = _temp.Combine("artifact.tar.gz");
        await File.WriteAllBytesAsync(archive, await PackAsync(_temp.Combine("one")));

        var tar = Process.Start(new ProcessStartInfo("tar", ["-tzf", archive]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var listing = await tar.StandardOutput.ReadToEndAsync();
        await tar.WaitForExitAsync();

        Assert.Equal(0, tar.ExitCode);
        Assert.Equal(["a/", "a/x.yaml", "a.txt", "a.yaml", "b/", "b/a.yaml", "b/z.yaml"], listing.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }
}
