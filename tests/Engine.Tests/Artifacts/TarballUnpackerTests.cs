using System.Formats.Tar;
using System.IO.Compression;
using System.Runtime.Versioning;
using System.Text;
using Tide.Engine.Artifacts;

namespace Tide.Engine.Tests.Artifacts;

[SupportedOSPlatform("linux")]
public sealed class TarballUnpackerTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    /// <summary>A tar.gz made of the given entries, written with .NET's TarWriter (not our packer).</summary>
    private static MemoryStream Archive(params TarEntry[] entries)
    {
        var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        using (var writer = new TarWriter(gzip, TarEntryFormat.Pax))
            foreach (var entry in entries)
                writer.WriteEntry(entry);
        output.Position = 0;
        return output;
    }

    private static PaxTarEntry File(string name, string content = "x") => new(TarEntryType.RegularFile, name)
    {
        DataStream = new MemoryStream(Encoding.UTF8.GetBytes(content)),
    };

    private static PaxTarEntry Link(TarEntryType type, string name, string target) => new(type, name) { LinkName = target };

    private Task<int> UnpackAsync(Stream archive, UnpackLimits? limits = null) =>
        TarballUnpacker.UnpackAsync(archive, _temp.Combine("out"), limits ?? UnpackLimits.Default, CancellationToken.None);

    [Fact]
    public async Task Unpack_OurOwnArchive_RestoresTheTree()
    {
        _temp.Write("src/deploy/app.yaml", "kind: Deployment");
        _temp.Write("src/README.md", "hi");
        Directory.CreateDirectory(_temp.Combine("src", "empty"));
        using var packed = new MemoryStream();
        await TarballPacker.PackAsync(_temp.Combine("src"), packed, null, CancellationToken.None);
        packed.Position = 0;

        var files = await UnpackAsync(packed);

        Assert.Equal(2, files);
        Assert.Equal("kind: Deployment", await System.IO.File.ReadAllTextAsync(_temp.Combine("out", "deploy", "app.yaml")));
        Assert.True(Directory.Exists(_temp.Combine("out", "empty")));
    }

    [Fact]
    public async Task Unpack_SymlinkInsideTheTree_IsKept()
    {
        var files = await UnpackAsync(Archive(File("base/app.yaml", "a"), Link(TarEntryType.SymbolicLink, "overlay/app.yaml", "../base/app.yaml")));

        Assert.Equal(1, files);
        Assert.Equal("a", await System.IO.File.ReadAllTextAsync(_temp.Combine("out", "overlay", "app.yaml")));
    }

    public static TheoryData<string, string> HostileArchives => new()
    {
        { "absolute", "/etc/cron.d/evil" },
        { "dotdot", "../evil.yaml" },
        { "dotdot-inside", "a/../../evil.yaml" },
        { "symlink-absolute", "link" },
        { "symlink-escape", "sub/link" },
        { "through-symlink", "inner/file.yaml" },
        { "hardlink-escape", "hard" },
        { "char-device", "dev" },
        { "fifo", "pipe" },
    };

    [Theory]
    [MemberData(nameof(HostileArchives))]
    public async Task Unpack_HostileEntry_IsRefusedNamingIt(string kind, string entryName)
    {
        var entries = kind switch
        {
            "absolute" or "dotdot" or "dotdot-inside" => new TarEntry[] { File(entryName) },
            "symlink-absolute" => [Link(TarEntryType.SymbolicLink, entryName, "/etc/passwd")],
            "symlink-escape" => [Link(TarEntryType.SymbolicLink, entryName, "../../outside")],
            "through-symlink" => [File("real/keep.yaml"), Link(TarEntryType.SymbolicLink, "inner", "real"), File(entryName)],
            "hardlink-escape" => [Link(TarEntryType.HardLink, entryName, "../../etc/passwd")],
            "char-device" => [new PaxTarEntry(TarEntryType.CharacterDevice, entryName) { DeviceMajor = 1, DeviceMinor = 3 }],
            "fifo" => [new PaxTarEntry(TarEntryType.Fifo, entryName)],
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };

        var error = await Assert.ThrowsAsync<UnsafeArchiveException>(() => UnpackAsync(Archive(entries)));

        Assert.Equal(entryName, error.EntryName);
        Assert.Contains(entryName, error.Message);
        Assert.False(System.IO.File.Exists(_temp.Combine("evil.yaml")));
    }

    [Fact]
    public async Task Unpack_TooManyBytes_IsRefused()
    {
        var error = await Assert.ThrowsAsync<UnsafeArchiveException>(() =>
            UnpackAsync(Archive(File("a", new string('a', 600)), File("b", new string('b', 600))), new UnpackLimits { MaxTotalBytes = 1000 }));

        Assert.Equal("b", error.EntryName);
        Assert.Contains("1000 bytes", error.Message);
    }

    [Fact]
    public async Task Unpack_TooManyEntries_IsRefused()
    {
        var entries = Enumerable.Range(0, 11).Select(i => (TarEntry)File($"f{i}")).ToArray();

        var error = await Assert.ThrowsAsync<UnsafeArchiveException>(() => UnpackAsync(Archive(entries), new UnpackLimits { MaxEntries = 10 }));

        Assert.Equal("f10", error.EntryName);
    }

    [Fact]
    public async Task Unpack_IntoNonEmptyDirectory_IsRefused()
    {
        _temp.Write("out/existing", "x");

        await Assert.ThrowsAsync<IOException>(() => UnpackAsync(Archive(File("a"))));
    }
}
