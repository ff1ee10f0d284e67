using System.Formats.Tar;
using System.IO.Compression;

namespace Tide.Engine.Artifacts;

/// <summary>
/// Unpacks a tar.gz artifact into an empty directory (or into memory, <see cref="UnpackToMemoryAsync"/>), refusing anything that could write outside it or harm the host:
/// absolute paths, '..' segments, symlinks or hard links whose target leaves the directory, entries reached through
/// a symlink, devices and FIFOs, sparse files, archives larger than <see cref="UnpackLimits"/>, oversized PAX headers,
/// and corrupt ones (bad tar headers; gzip data, CRC32 or length trailer that do not match: <see cref="TarStreamGuard"/>).
/// Files get mode 0644 (0755 when executable), whatever the archive says.
/// </summary>
public static class TarballUnpacker
{
    /// <returns>The number of files written.</returns>
    public static async Task<int> UnpackAsync(
        Stream tarGz, string targetDirectory, UnpackLimits limits, CancellationToken cancellationToken)
    {
        var root = Path.GetFullPath(targetDirectory);
        Directory.CreateDirectory(root);
        if (Directory.EnumerateFileSystemEntries(root).Any())
            throw new IOException($"cannot unpack into '{root}': the directory is not empty");
        return await UnpackAsync(tarGz, new DiskTarget(root), limits, cancellationToken);
    }

    /// <summary>Unpacks into memory, with the same rules and limits as on disk; symlinks are kept and resolved by the tree.</summary>
    public static async Task<ArchiveTree> UnpackToMemoryAsync(Stream tarGz, UnpackLimits limits, CancellationToken cancellationToken)
    {
        var builder = new ArchiveTree.Builder();
        await UnpackAsync(tarGz, builder, limits, cancellationToken);
        return builder.Build();
    }

    private static async Task<int> UnpackAsync(Stream tarGz, IUnpackTarget target, UnpackLimits limits, CancellationToken cancellationToken)
    {
        try
        {
            return await UnpackEntriesAsync(tarGz, target, limits, cancellationToken);
        }
        catch (EndOfStreamException e)
        {
            throw new UnsafeArchiveException("it is truncated", e);
        }
    }

    private static async Task<int> UnpackEntriesAsync(Stream tarGz, IUnpackTarget target, UnpackLimits limits, CancellationToken cancellationToken)
    {
        await using var gzip = new GZipStream(tarGz, CompressionMode.Decompress, leaveOpen: true);
        await using var guard = new TarStreamGuard(gzip, limits);
        await using var reader = new TarReader(guard, leaveOpen: true);
        var symlinks = new HashSet<string>(StringComparer.Ordinal);
        long totalBytes = 0;
        var entries = 0;
        var files = 0;
        while (await NextEntryAsync(reader, cancellationToken) is { } entry)
        {
            var name = entry.Name;
            if (++entries > limits.MaxEntries)
                throw new UnsafeArchiveException(name, $"more than {limits.MaxEntries} entries");
            var relative = SafeRelativePath(name);
            if (relative.Length == 0)
                continue; // "./" itself
            if (symlinks.Any(link => relative == link || relative.StartsWith(link + "/", StringComparison.Ordinal)))
                throw new UnsafeArchiveException(name, "it is reached through a symlink of the archive");

            switch (entry.EntryType)
            {
                case TarEntryType.Directory:
                    target.CreateDirectory(relative);
                    break;
                case TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile:
                    totalBytes += entry.Length;
                    if (totalBytes > limits.MaxTotalBytes)
                        throw new UnsafeArchiveException(name, $"the archive unpacks to more than {limits.MaxTotalBytes} bytes");
                    await target.WriteFileAsync(relative, entry.DataStream, entry.Length, entry.Mode, cancellationToken);
                    files++;
                    break;
                case TarEntryType.SymbolicLink:
                    var pointee = EnsureInside(name, relative, entry.LinkName, relativeToEntry: true);
                    target.CreateSymlink(relative, entry.LinkName, pointee);
                    symlinks.Add(relative);
                    break;
                case TarEntryType.HardLink:
                    var linked = EnsureInside(name, relative, entry.LinkName, relativeToEntry: false);
                    if (!target.IsFile(linked) || symlinks.Contains(linked))
                        throw new UnsafeArchiveException(name, $"hard link target '{entry.LinkName}' is not a file unpacked before it");
                    target.CopyFile(linked, relative);
                    files++;
                    break;
                case TarEntryType.GlobalExtendedAttributes:
                    break;
                default:
                    throw new UnsafeArchiveException(name, $"entries of type {entry.EntryType} are not allowed");
            }
        }
        await guard.DrainAsync(cancellationToken);
        return files;
    }

    /// <summary>The next entry; a header TarReader cannot read makes the archive corrupt.</summary>
    private static async Task<TarEntry?> NextEntryAsync(TarReader reader, CancellationToken cancellationToken)
    {
        try
        {
            return await reader.GetNextEntryAsync(copyData: false, cancellationToken);
        }
        catch (Exception e) when (e is InvalidDataException or InvalidOperationException or FormatException)
        {
            throw new UnsafeArchiveException("it is not a valid tar archive: " + e.Message, e);
        }
    }

    /// <summary>The entry name as a clean relative path ('/'-separated), or an exception naming it.</summary>
    private static string SafeRelativePath(string name)
    {
        if (name.Contains('\0'))
            throw new UnsafeArchiveException(name, "the name contains a NUL character");
        var normalized = name.Replace('\\', '/');
        if (normalized.StartsWith('/') || Path.IsPathRooted(name) || (normalized.Length > 1 && normalized[1] == ':'))
            throw new UnsafeArchiveException(name, "absolute paths are not allowed");
        var segments = new List<string>();
        foreach (var segment in normalized.Split('/'))
        {
            if (segment is "" or ".")
                continue;
            if (segment == "..")
                throw new UnsafeArchiveException(name, "'..' is not allowed in paths");
            segments.Add(segment);
        }
        return string.Join('/', segments);
    }

    /// <summary>Resolves a link target lexically and refuses it when it leaves the root; returns it relative to the root.</summary>
    private static string EnsureInside(string name, string relative, string linkTarget, bool relativeToEntry)
    {
        var target = linkTarget.Replace('\\', '/');
        if (target.Length == 0 || target.StartsWith('/') || Path.IsPathRooted(linkTarget))
            throw new UnsafeArchiveException(name, $"link target '{linkTarget}' is absolute");
        var segments = new List<string>();
        if (relativeToEntry)
            segments.AddRange(relative.Split('/')[..^1]);
        foreach (var segment in target.Split('/'))
        {
            switch (segment)
            {
                case "" or ".":
                    continue;
                case "..":
                    if (segments.Count == 0)
                        throw new UnsafeArchiveException(name, $"link target '{linkTarget}' leaves the archive root");
                    segments.RemoveAt(segments.Count - 1);
                    break;
                default:
                    segments.Add(segment);
                    break;
            }
        }
        return string.Join('/', segments);
    }

    /// <summary>Writes entries below a directory; files get mode 0644, or 0755 when executable.</summary>
    private sealed class DiskTarget(string root) : IUnpackTarget
    {
        public void CreateDirectory(string relative) => Directory.CreateDirectory(PathOf(relative));

        public async Task WriteFileAsync(string relative, Stream? content, long length, UnixFileMode mode, CancellationToken cancellationToken)
        {
            var destination = PathOf(relative);
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            await using (var file = new FileStream(destination, FileMode.CreateNew, FileAccess.Write))
            {
                if (content is not null)
                    await content.CopyToAsync(file, cancellationToken);
            }
            SetMode(destination, mode);
        }

        public void CreateSymlink(string relative, string linkName, string target)
        {
            var destination = PathOf(relative);
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.CreateSymbolicLink(destination, linkName);
        }

        public bool IsFile(string relative) => File.Exists(PathOf(relative));

        public void CopyFile(string fromRelative, string toRelative)
        {
            var destination = PathOf(toRelative);
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(PathOf(fromRelative), destination);
        }

        private string PathOf(string relative) => Path.Combine(root, relative.Replace('/', Path.DirectorySeparatorChar));

        private static void SetMode(string path, UnixFileMode archived)
        {
            if (OperatingSystem.IsWindows())
                return;
            const UnixFileMode regular = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
            const UnixFileMode executable = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
            File.SetUnixFileMode(path, (archived & UnixFileMode.UserExecute) != 0 ? regular | executable : regular);
        }
    }
}
