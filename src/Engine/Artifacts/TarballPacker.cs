using System.IO.Compression;
using System.Text;

namespace Tide.Engine.Artifacts;

/// <summary>
/// Packs a directory into a reproducible tar.gz: the same tree always gives the same bytes, whatever the files'
/// timestamps, owners or the order the file system lists them in. Entries are walked depth-first with names in
/// ordinal order; every header has mtime 0, uid/gid 0 and no user names; files are 0644 (0755 when executable),
/// directories 0755. Like Flux, symlinks are left out: an artifact holds only plain files and directories. (Trees
/// come from Git checkouts or from <see cref="TarballUnpacker"/>, neither of which creates devices or FIFOs.)
/// </summary>
public static class TarballPacker
{
    private const int BlockSize = 512;
    private const int RegularFileMode = 0b110_100_100; // 0644
    private const int ExecutableMode = 0b111_101_101;  // 0755

    /// <summary>Writes the archive of <paramref name="root"/> to <paramref name="output"/>.</summary>
    /// <param name="exclude">Given a path relative to the root ('/'-separated) and whether it is a directory, says
    /// whether to leave it out. An excluded directory's own entry is skipped but its children are still asked, so a
    /// negated ignore pattern can bring a file back, as in Flux.</param>
    /// <returns>The number of files packed.</returns>
    public static async Task<int> PackAsync(
        string root, Stream output, Func<string, bool, bool>? exclude, CancellationToken cancellationToken)
    {
        if (!Directory.Exists(root))
            throw new DirectoryNotFoundException($"cannot pack '{root}': not a directory");

        var files = 0;
        await using (var gzip = new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true))
        {
            foreach (var (info, relativePath) in Walk(new DirectoryInfo(root), ""))
            {
                cancellationToken.ThrowIfCancellationRequested();
                var isDirectory = info is DirectoryInfo;
                if (exclude?.Invoke(relativePath, isDirectory) == true)
                    continue;
                if (isDirectory)
                {
                    await WriteHeaderAsync(gzip, relativePath + "/", '5', ExecutableMode, 0, cancellationToken);
                    continue;
                }
                var file = (FileInfo)info;
                await WriteHeaderAsync(gzip, relativePath, '0', IsExecutable(file) ? ExecutableMode : RegularFileMode, file.Length, cancellationToken);
                await using (var content = file.OpenRead())
                    await content.CopyToAsync(gzip, cancellationToken);
                await WritePaddingAsync(gzip, file.Length, cancellationToken);
                files++;
            }
            // The end of a tar archive is two zero blocks.
            await gzip.WriteAsync(new byte[BlockSize * 2], cancellationToken);
        }
        return files;
    }

    /// <summary>Plain files and directories under <paramref name="directory"/>, depth-first, names in ordinal order.</summary>
    private static IEnumerable<(FileSystemInfo Info, string RelativePath)> Walk(DirectoryInfo directory, string prefix)
    {
        var children = directory.EnumerateFileSystemInfos()
            .Where(c => c.LinkTarget is null)
            .OrderBy(c => c.Name, StringComparer.Ordinal);
        foreach (var child in children)
        {
            var relativePath = prefix + child.Name;
            yield return (child, relativePath);
            if (child is DirectoryInfo subdirectory)
                foreach (var descendant in Walk(subdirectory, relativePath + "/"))
                    yield return descendant;
        }
    }

    private static bool IsExecutable(FileInfo file) =>
        !OperatingSystem.IsWindows() && (file.UnixFileMode & UnixFileMode.UserExecute) != 0;

    private static async Task WriteHeaderAsync(
        Stream output, string name, char type, int mode, long size, CancellationToken cancellationToken)
    {
        var nameBytes = Encoding.UTF8.GetBytes(name);
        var (prefix, shortName) = SplitForUstar(nameBytes);
        if (shortName is null)
        {
            // Too long for ustar: a PAX extended header carries the full path.
            var record = PaxRecord("path", name);
            await output.WriteAsync(Header(Encoding.ASCII.GetBytes("PaxHeader"), [], 'x', RegularFileMode, record.Length), cancellationToken);
            await output.WriteAsync(record, cancellationToken);
            await WritePaddingAsync(output, record.Length, cancellationToken);
            (prefix, shortName) = ([], nameBytes[^Math.Min(100, nameBytes.Length)..]);
        }
        await output.WriteAsync(Header(shortName, prefix, type, mode, size), cancellationToken);
    }

    /// <summary>ustar stores up to 100 bytes of name plus a 155-byte prefix split at a '/'.</summary>
    private static (byte[] Prefix, byte[]? Name) SplitForUstar(byte[] name)
    {
        if (name.Length <= 100)
            return ([], name);
        for (var i = name.Length - 1; i > 0; i--)
        {
            if (name[i] != (byte)'/' || i > 155 || name.Length - i - 1 > 100 || i == name.Length - 1)
                continue;
            return (name[..i], name[(i + 1)..]);
        }
        return ([], null);
    }

    private static byte[] PaxRecord(string key, string value)
    {
        // "<length> <key>=<value>\n", where length counts its own digits.
        var body = $" {key}={value}\n";
        var bodyLength = Encoding.UTF8.GetByteCount(body);
        var length = bodyLength + 1;
        while (length.ToString().Length + bodyLength != length)
            length++;
        return Encoding.UTF8.GetBytes(length + body);
    }

    private static byte[] Header(byte[] name, byte[] prefix, char type, int mode, long size)
    {
        var header = new byte[BlockSize];
        name.CopyTo(header, 0);
        WriteOctal(header, 100, 8, mode);
        WriteOctal(header, 108, 8, 0);    // uid
        WriteOctal(header, 116, 8, 0);    // gid
        WriteOctal(header, 124, 12, size);
        WriteOctal(header, 136, 12, 0);   // mtime
        header[156] = (byte)type;
        Encoding.ASCII.GetBytes("ustar\0").CopyTo(header, 257);
        Encoding.ASCII.GetBytes("00").CopyTo(header, 263);
        prefix.CopyTo(header, 345);
        // The checksum is computed with its own field filled with spaces.
        Array.Fill(header, (byte)' ', 148, 8);
        var checksum = header.Sum(b => b);
        WriteOctal(header, 148, 7, checksum);
        header[155] = (byte)' ';
        return header;
    }

    private static void WriteOctal(byte[] header, int offset, int width, long value)
    {
        var digits = Convert.ToString(value, 8).PadLeft(width - 1, '0');
        Encoding.ASCII.GetBytes(digits).CopyTo(header, offset);
        header[offset + width - 1] = 0;
    }

    private static async Task WritePaddingAsync(Stream output, long length, CancellationToken cancellationToken)
    {
        var remainder = (int)(length % BlockSize);
        if (remainder != 0)
            await output.WriteAsync(new byte[BlockSize - remainder], cancellationToken);
    }
}
