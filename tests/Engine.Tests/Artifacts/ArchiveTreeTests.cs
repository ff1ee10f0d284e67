using System.Formats.Tar;
using System.IO.Compression;
using System.Runtime.Versioning;
using System.Text;
using Tide.Engine.Artifacts;
using Tide.Engine.Kustomize;

namespace Tide.Engine.Tests.Artifacts;

/// <summary>Unpacking into memory follows the rules of unpacking to disk: the same archives are refused with the same
/// messages, and the accepted ones read the same (symlinks resolved as the file system resolves them).</summary>
[SupportedOSPlatform("linux")]
public sealed class ArchiveTreeTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private static byte[] Archive(params TarEntry[] entries)
    {
        var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        using (var writer = new TarWriter(gzip, TarEntryFormat.Pax))
            foreach (var entry in entries)
                writer.WriteEntry(entry);
        return output.ToArray();
    }

    private static PaxTarEntry File(string name, string content = "x") => new(TarEntryType.RegularFile, name)
    {
        DataStream = new MemoryStream(Encoding.UTF8.GetBytes(content)),
    };

    private static PaxTarEntry Directory(string name) => new(TarEntryType.Directory, name);

    private static PaxTarEntry Link(TarEntryType type, string name, string target) => new(type, name) { LinkName = target };

    private static Task<ArchiveTree> ToMemoryAsync(byte[] archive, UnpackLimits? limits = null) =>
        TarballUnpacker.UnpackToMemoryAsync(new MemoryStream(archive), limits ?? UnpackLimits.Default, CancellationToken.None);

    private async Task<string> ToDiskAsync(byte[] archive, UnpackLimits? limits = null)
    {
        var target = _temp.Combine("disk-" + Guid.NewGuid().ToString("N"));
        await TarballUnpacker.UnpackAsync(new MemoryStream(archive), target, limits ?? UnpackLimits.Default, CancellationToken.None);
        return target;
    }

    public static TheoryData<string> RefusedArchives => new()
    {
        "absolute", "dotdot", "dotdot-inside", "symlink-absolute", "symlink-escape", "through-symlink", "hardlink-escape",
        "hardlink-to-symlink", "char-device", "fifo", "too-many-bytes", "too-many-entries",
    };

    [Theory]
    [MemberData(nameof(RefusedArchives))]
    public async Task UnpackToMemory_ArchiveRefusedOnDisk_IsRefusedWithTheSameMessage(string kind)
    {
        var limits = new UnpackLimits { MaxTotalBytes = 1000, MaxEntries = 10 };
        var archive = Archive(kind switch
        {
            "absolute" => [File("/etc/cron.d/evil")],
            "dotdot" => [File("../evil.yaml")],
            "dotdot-inside" => [File("a/../../evil.yaml")],
            "symlink-absolute" => [Link(TarEntryType.SymbolicLink, "link", "/etc/passwd")],
            "symlink-escape" => [Link(TarEntryType.SymbolicLink, "sub/link", "../../outside")],
            "through-symlink" => [File("real/keep.yaml"), Link(TarEntryType.SymbolicLink, "inner", "real"), File("inner/file.yaml")],
            "hardlink-escape" => [Link(TarEntryType.HardLink, "hard", "../../etc/passwd")],
            "hardlink-to-symlink" => [File("a"), Link(TarEntryType.SymbolicLink, "s", "a"), Link(TarEntryType.HardLink, "h", "s")],
            "char-device" => [new PaxTarEntry(TarEntryType.CharacterDevice, "dev") { DeviceMajor = 1, DeviceMinor = 3 }],
            "fifo" => [new PaxTarEntry(TarEntryType.Fifo, "pipe")],
            "too-many-bytes" => [File("a", new string('a', 600)), File("b", new string('b', 600))],
            "too-many-entries" => Enumerable.Range(0, 11).Select(i => (TarEntry)File($"f{i}")).ToArray(),
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        });

        var onDisk = await Assert.ThrowsAsync<UnsafeArchiveException>(() => ToDiskAsync(archive, limits));
        var inMemory = await Assert.ThrowsAsync<UnsafeArchiveException>(() => ToMemoryAsync(archive, limits));

        Assert.Equal(onDisk.Message, inMemory.Message);
        Assert.Equal(onDisk.EntryName, inMemory.EntryName);
    }

    [Fact]
    public async Task UnpackToMemory_Symlinks_ReadAsTheirTargetsLikeOnDisk()
    {
        var archive = Archive(
            File("base/app.yaml", "kind: A"), File("base/deep/b.yaml", "kind: B"),
            Link(TarEntryType.SymbolicLink, "overlay/app.yaml", "../base/app.yaml"),
            Link(TarEntryType.SymbolicLink, "overlay/shared", "../base/deep"),
            Link(TarEntryType.SymbolicLink, "overlay/chain.yaml", "app.yaml"),
            Link(TarEntryType.SymbolicLink, "overlay/dangling.yaml", "../missing.yaml"),
            Link(TarEntryType.HardLink, "copy.yaml", "base/app.yaml"));
        var disk = DiskFileSystem.Instance.Normalize(await ToDiskAsync(archive));
        var tree = await ToMemoryAsync(archive);

        Assert.Equal("kind: A", Encoding.UTF8.GetString(tree.ReadAllBytes("/overlay/chain.yaml")));
        Assert.Equal("kind: B", Encoding.UTF8.GetString(tree.ReadAllBytes("/overlay/shared/b.yaml")));
        Assert.True(tree.DirectoryExists("/overlay/shared"));
        Assert.True(DiskFileSystem.Instance.FileExists(disk + "/overlay/dangling.yaml"));
        Assert.True(tree.FileExists("/overlay/dangling.yaml"));
        Assert.Contains("/overlay/dangling.yaml", tree.EnumerateFiles("/overlay")); // as Directory.EnumerateFiles lists it
        Assert.Throws<FileNotFoundException>(() => tree.ReadAllBytes("/overlay/dangling.yaml"));
        Assert.Equal(Listing(DiskFileSystem.Instance, disk), Listing(tree, "/"));
    }

    [Fact]
    public async Task UnpackToMemory_SymlinkBackToAnAncestor_EndsTheRecursiveWalk()
    {
        var tree = await ToMemoryAsync(Archive(
            File("a/b/app.yaml"), Link(TarEntryType.SymbolicLink, "a/b/up", ".."),
            Link(TarEntryType.SymbolicLink, "a/ping", "../c"), Link(TarEntryType.SymbolicLink, "c/pong", "../a")));

        var files = tree.EnumerateFilesRecursively("/").Order(StringComparer.Ordinal).ToList();

        Assert.Equal(["/a/b/app.yaml", "/c/pong/b/app.yaml"], files);
        Assert.True(tree.FileExists("/a/b/up/b/up/b/app.yaml"));
    }

    [Fact]
    public async Task UnpackToMemory_EntryWhereOneIsAlready_IsRefusedAsOnDisk()
    {
        var archive = Archive(File("a/x"), File("a/x"));

        await Assert.ThrowsAnyAsync<IOException>(() => ToDiskAsync(archive));
        await Assert.ThrowsAnyAsync<IOException>(() => ToMemoryAsync(archive));
    }

    [Fact]
    public async Task UnpackToMemory_OurOwnArchive_HoldsTheTree()
    {
        _temp.Write("src/deploy/app.yaml", "kind: Deployment");
        _temp.Write("src/README.md", "hi");
        System.IO.Directory.CreateDirectory(_temp.Combine("src", "empty"));
        using var packed = new MemoryStream();
        await TarballPacker.PackAsync(_temp.Combine("src"), packed, null, CancellationToken.None);

        var tree = await ToMemoryAsync(packed.ToArray());

        Assert.Equal("kind: Deployment", Encoding.UTF8.GetString(tree.ReadAllBytes("/deploy/app.yaml")));
        Assert.True(tree.DirectoryExists("/empty"));
        Assert.Empty(tree.EnumerateFiles("/empty"));
        Assert.Equal(["/README.md"], tree.EnumerateFiles("/"));
        Assert.Equal(["/deploy", "/empty"], tree.EnumerateDirectories("/").Order(StringComparer.Ordinal));
        Assert.True(tree.SizeBytes >= "kind: Deploymenthi".Length);
    }

    [Fact]
    public async Task UnpackToMemory_DirectoryEntries_NeedNotComeFirst()
    {
        var tree = await ToMemoryAsync(Archive(File("a/b/c.yaml", "c"), Directory("a/"), Directory("a/b/")));

        Assert.Equal("c", Encoding.UTF8.GetString(tree.ReadAllBytes("/a/b/c.yaml")));
    }

    /// <summary>Every file listed below the root, relative to it, with its content if it has one.</summary>
    private static List<string> Listing(IFileTree files, string root) =>
        files.EnumerateFilesRecursively(root)
            .Select(f => FileTrees.Relative(root, f) + "=" + (f.EndsWith("dangling.yaml", StringComparison.Ordinal) ? "(none)" : Encoding.UTF8.GetString(files.ReadAllBytes(f))))
            .Order(StringComparer.Ordinal).ToList();
}
