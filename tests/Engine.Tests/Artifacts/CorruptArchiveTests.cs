using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using Tide.Engine.Artifacts;

namespace Tide.Engine.Tests.Artifacts;

/// <summary>Archives crafted byte by byte: a damaged gzip trailer, oversized PAX and GNU headers, sparse files.
/// Each is refused with a message, on disk and in memory alike, and writes nothing.</summary>
public sealed class CorruptArchiveTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private static byte[] Gzip(byte[] tar)
    {
        var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
            gzip.Write(tar);
        return output.ToArray();
    }

    /// <summary>A valid tar of two small files, written by .NET's TarWriter.</summary>
    private static byte[] ValidTar()
    {
        var output = new MemoryStream();
        using (var writer = new TarWriter(output, TarEntryFormat.Pax, leaveOpen: true))
            foreach (var name in new[] { "a.yaml", "b.yaml" })
                writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream("x"u8.ToArray()) });
        return output.ToArray();
    }

    /// <summary>One ustar header block (checksum included) for an entry of <paramref name="type"/>.</summary>
    private static byte[] Header(string name, char type, long size)
    {
        var header = new byte[512];
        Encoding.ASCII.GetBytes(name).CopyTo(header, 0);
        Encoding.ASCII.GetBytes("0000644\0").CopyTo(header, 100);
        Encoding.ASCII.GetBytes("0000000\0").CopyTo(header, 108);
        Encoding.ASCII.GetBytes("0000000\0").CopyTo(header, 116);
        Encoding.ASCII.GetBytes(Convert.ToString(size, 8).PadLeft(11, '0') + "\0").CopyTo(header, 124);
        Encoding.ASCII.GetBytes("00000000000\0").CopyTo(header, 136);
        header[156] = (byte)type;
        Encoding.ASCII.GetBytes("ustar\0" + "00").CopyTo(header, 257);
        Array.Fill(header, (byte)' ', 148, 8);
        Encoding.ASCII.GetBytes(Convert.ToString(header.Sum(b => b), 8).PadLeft(6, '0') + "\0 ").CopyTo(header, 148);
        return header;
    }

    /// <summary>An entry: its header, then its data padded to whole blocks.</summary>
    private static byte[] Entry(string name, char type, byte[] data) =>
        [.. Header(name, type, data.Length), .. data, .. new byte[(512 - data.Length % 512) % 512]];

    private static byte[] EndOfArchive => new byte[1024];

    private static byte[] PaxRecords(params (string Key, string Value)[] records)
    {
        var text = new StringBuilder();
        foreach (var (key, value) in records)
        {
            var body = $" {key}={value}\n";
            var length = body.Length + 1;
            while ((length.ToString() + body).Length != length)
                length++;
            text.Append(length).Append(body);
        }
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    /// <summary>Unpacks to disk and to memory; both must refuse alike. Returns the message.</summary>
    private async Task<string> RefusedAsync(byte[] tarGz, UnpackLimits? limits = null)
    {
        var output = _temp.Combine("out-" + Guid.NewGuid().ToString("N"));
        var onDisk = await Assert.ThrowsAsync<UnsafeArchiveException>(() =>
            TarballUnpacker.UnpackAsync(new MemoryStream(tarGz), output, limits ?? UnpackLimits.Default, CancellationToken.None));
        var inMemory = await Assert.ThrowsAsync<UnsafeArchiveException>(() =>
            TarballUnpacker.UnpackToMemoryAsync(new MemoryStream(tarGz), limits ?? UnpackLimits.Default, CancellationToken.None));
        Assert.Equal(onDisk.Message, inMemory.Message);
        return onDisk.Message;
    }

    [Fact]
    public async Task Unpack_ValidArchive_PassesTheGuard()
    {
        var files = await TarballUnpacker.UnpackAsync(new MemoryStream(Gzip(ValidTar())), _temp.Combine("out"), UnpackLimits.Default, CancellationToken.None);

        Assert.Equal(2, files);
    }

    [Theory]
    [InlineData(8)] // the first byte of CRC32
    [InlineData(1)] // the last byte of ISIZE
    public async Task Unpack_GzipTrailerThatDoesNotMatch_IsRefused(int fromEnd)
    {
        var archive = Gzip(ValidTar());
        archive[^fromEnd] ^= 0x5A;

        var message = await RefusedAsync(archive);

        Assert.Equal("refusing archive: the gzip stream is corrupt (its data, CRC32 or length does not match)", message);
    }

    [Fact]
    public async Task Unpack_TruncatedArchive_IsRefused()
    {
        var tar = ValidTar();
        var archive = Gzip(tar[..700]);

        Assert.Equal("refusing archive: it is truncated", await RefusedAsync(archive));
    }

    [Fact]
    public async Task Unpack_PaxHeaderLargerThanOneMebibyte_IsRefusedBeforeItIsRead()
    {
        var records = PaxRecords(("comment", new string('a', (1 << 20) + 10)));
        var archive = Gzip([.. Entry("PaxHeaders.0/a.yaml", 'x', records), .. Entry("a.yaml", '0', "x"u8.ToArray()), .. EndOfArchive]);

        var message = await RefusedAsync(archive);

        Assert.StartsWith("refusing archive entry 'PaxHeaders.0/a.yaml': its extended header of ", message);
    }

    [Fact]
    public async Task Unpack_ExtendedHeadersBeyondTheUnpackLimit_AreRefused()
    {
        var records = PaxRecords(("comment", new string('a', 3000)));
        var archive = Gzip([.. Entry("PaxHeaders.0/a", 'x', records), .. Entry("a", '0', "x"u8.ToArray()),
            .. Entry("PaxHeaders.0/b", 'x', records), .. Entry("b", '0', "x"u8.ToArray()), .. EndOfArchive]);

        var message = await RefusedAsync(archive, new UnpackLimits { MaxTotalBytes = 5000 });

        Assert.Equal("refusing archive entry 'PaxHeaders.0/b': the archive's extended headers take more than 5000 bytes", message);
    }

    [Fact]
    public async Task Unpack_GnuLongNameLargerThanOneMebibyte_IsRefused()
    {
        var archive = Gzip([.. Entry("././@LongLink", 'L', new byte[(1 << 20) + 1]), .. Entry("a", '0', "x"u8.ToArray()), .. EndOfArchive]);

        Assert.StartsWith("refusing archive entry '././@LongLink': its extended header of", await RefusedAsync(archive));
    }

    [Fact]
    public async Task Unpack_GnuSparseFile_IsRefused()
    {
        var archive = Gzip([.. Entry("disk.img", 'S', new byte[512]), .. EndOfArchive]);

        Assert.Equal("refusing archive entry 'disk.img': sparse files are not allowed", await RefusedAsync(archive));
    }

    [Fact]
    public async Task Unpack_PaxSparseMap_IsRefused()
    {
        var records = PaxRecords(("GNU.sparse.major", "1"), ("GNU.sparse.minor", "0"), ("GNU.sparse.name", "disk.img"),
            ("GNU.sparse.realsize", "1099511627776"));
        var archive = Gzip([.. Entry("PaxHeaders.0/disk.img", 'x', records), .. Entry("GNUSparseFile.0/disk.img", '0', new byte[512]), .. EndOfArchive]);

        Assert.Equal("refusing archive entry 'PaxHeaders.0/disk.img': sparse files are not allowed", await RefusedAsync(archive));
    }

    [Fact]
    public async Task Unpack_PaxSizeRecord_IsFollowed()
    {
        var content = Encoding.UTF8.GetBytes(new string('c', 700));
        // The ustar size field says 0; the PAX record says 700, as tar writes it for files too big for the field.
        byte[] file = [.. Header("big.yaml", '0', 0), .. content, .. new byte[1024 - 700]];
        var archive = Gzip([.. Entry("PaxHeaders.0/big.yaml", 'x', PaxRecords(("size", "700"))), .. file,
            .. Entry("PaxHeaders.0/after", 'x', PaxRecords(("comment", new string('a', (1 << 20) + 10)))), .. EndOfArchive]);

        // The guard followed the PAX size: it finds the oversized header after the 700 bytes, not inside them.
        Assert.StartsWith("refusing archive entry 'PaxHeaders.0/after'", await RefusedAsync(archive));
    }

    [Fact]
    public async Task Unpack_TrailingDataAfterTheArchive_IsBounded()
    {
        var archive = Gzip([.. ValidTar(), .. new byte[(1 << 20) + 20 * 1024]]);

        Assert.StartsWith("refusing archive: more than 1048576 bytes follow the end of the tar archive", await RefusedAsync(archive));
    }
}
