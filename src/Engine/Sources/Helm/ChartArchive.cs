using System.Formats.Tar;
using System.IO.Compression;
using Tide.Engine.Artifacts;
using Tide.Engine.Helm.Charts;

namespace Tide.Engine.Sources.Helm;

/// <summary>
/// Packaged charts (.tgz with one top-level directory, as `helm package` writes them): read under the same archive
/// rules and limits as every source artifact (no '..', no absolute paths or escaping links, bounded size), and
/// written reproducibly (sorted entries, fixed times and modes).
/// </summary>
public static class ChartArchive
{
    /// <summary>The files of the chart in <paramref name="tgz"/>, relative to its top-level directory.</summary>
    /// <exception cref="UnsafeArchiveException">The archive breaks the rules or the limits.</exception>
    /// <exception cref="ChartException">No chart directory in the archive.</exception>
    public static async Task<List<ChartFile>> ReadAsync(byte[] tgz, UnpackLimits limits, CancellationToken ct)
    {
        ArchiveTree tree;
        try
        {
            tree = await TarballUnpacker.UnpackToMemoryAsync(new MemoryStream(tgz), limits, ct);
        }
        catch (InvalidDataException e)
        {
            throw new ChartException($"not a gzipped tar archive: {e.Message}");
        }
        var top = tree.EnumerateDirectories("/").FirstOrDefault()
            ?? throw new ChartException("the archive holds no chart directory");
        return FilesOf(tree, top);
    }

    /// <summary>The files of a chart directory of a source artifact, relative to it, .helmignore applied.</summary>
    public static List<ChartFile> FilesOf(ArchiveTree tree, string directory)
    {
        var root = tree.Normalize(directory);
        var ignore = root + "/.helmignore";
        var rules = HelmIgnore.Parse(tree.FileExists(ignore) ? System.Text.Encoding.UTF8.GetString(tree.ReadAllBytes(ignore)) : null);
        var files = new List<ChartFile>();
        Walk(tree, root, "", rules, files);
        return files;
    }

    private static void Walk(ArchiveTree tree, string root, string relative, HelmIgnore rules, List<ChartFile> files)
    {
        var directory = relative.Length == 0 ? root : root + "/" + relative;
        foreach (var path in tree.EnumerateFiles(directory).Order(StringComparer.Ordinal))
        {
            var name = Child(relative, path);
            if (!rules.Ignored(name, isDir: false))
                files.Add(new ChartFile(name, tree.ReadAllBytes(path)));
        }
        foreach (var path in tree.EnumerateDirectories(directory).Order(StringComparer.Ordinal))
        {
            var name = Child(relative, path);
            if (!rules.Ignored(name, isDir: true))
                Walk(tree, root, name, rules, files);
        }
    }

    private static string Child(string relative, string path)
    {
        var name = path[(path.LastIndexOf('/') + 1)..];
        return relative.Length == 0 ? name : relative + "/" + name;
    }

    /// <summary>A .tgz of the chart's files under "&lt;name&gt;/", as `helm package` lays it out.</summary>
    public static byte[] Pack(string chartName, IEnumerable<ChartFile> files)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true))
        using (var tar = new TarWriter(gzip, TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach (var file in files.OrderBy(f => f.Name, StringComparer.Ordinal))
            {
                var entry = new PaxTarEntry(TarEntryType.RegularFile, $"{chartName}/{file.Name}")
                {
                    DataStream = new MemoryStream(file.Data),
                    Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead,
                    ModificationTime = DateTimeOffset.UnixEpoch,
                };
                tar.WriteEntry(entry);
            }
        }
        return output.ToArray();
    }
}
