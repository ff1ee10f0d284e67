using Tide.Engine.Api;
using Tide.Engine.Artifacts;
using Tide.Engine.GoCompat;

namespace Tide.Engine.Generators;

/// <summary>
/// Applies an artifact's copy rules, in order, from the unpacked sources (alias -> directory) into a staging
/// directory, with source-watcher's cp-like semantics: a plain path copies that file or directory (a directory as a
/// subdirectory of the destination; a file into a destination ending in '/' or that is a directory, else as the
/// destination file); a glob copies each match, "dir/**" without the "dir/" prefix; exclude patterns (doublestar)
/// drop files by their path from the source root or from the glob's literal prefix, and a pattern without '/' by
/// file name. Strategies: Overwrite, Merge (YAML, Helm's values merge) and Extract (tarballs).
/// </summary>
internal sealed class ArtifactCopier(IReadOnlyDictionary<string, string> sources, string staging, UnpackLimits limits)
{
    public async Task ApplyAsync(IReadOnlyList<CopyOperation> operations, CancellationToken ct)
    {
        foreach (var operation in operations)
        {
            ct.ThrowIfCancellationRequested();
            try
            {
                await ApplyAsync(operation, ct);
            }
            catch (Exception e) when (e is CopyFailedException or IOException or UnsafeArchiveException or ArtifactException)
            {
                throw new CopyFailedException($"failed to apply copy operation from '{operation.From}' to '{operation.To}': {e.Message}", e);
            }
        }
    }

    private async Task ApplyAsync(CopyOperation op, CancellationToken ct)
    {
        var (alias, pattern) = ParseSource(op.From);
        if (!op.To.StartsWith("@artifact/", StringComparison.Ordinal))
            throw new CopyFailedException($"invalid copy destination '{op.To}': destination must start with '@artifact/'");
        var destination = op.To["@artifact/".Length..];
        if (!sources.TryGetValue(alias, out var root))
            throw new CopyFailedException($"source alias '{alias}' not found");
        foreach (var exclude in op.Exclude ?? [])
            if (!PathGlob.IsValid(exclude))
                throw new CopyFailedException($"invalid exclude pattern '{exclude}'");

        if (!PathGlob.HasMeta(pattern))
        {
            await CopySingleAsync(op, root, GoPath.Clean(pattern), destination, op.To.EndsWith('/'), ct);
            return;
        }
        if (!PathGlob.IsValid(pattern))
            throw new CopyFailedException($"invalid glob pattern '{pattern}': syntax error in pattern");
        var extract = op.Strategy == CopyOperation.Extract;
        var matches = extract ? PathGlob.DoubleStarGlob(root, pattern) : PathGlob.Glob(root, pattern);
        if (matches.Count == 0)
            throw new CopyFailedException($"no files match pattern '{pattern}' in source '{alias}'");
        var excludeBase = SelectionRoot(pattern);
        var selected = matches.Where(m => m is not ("." or "..") && !IsExcluded(m, excludeBase, op.Exclude)).ToList();
        if (selected.Count == 0)
            throw new CopyFailedException($"all files matching pattern '{pattern}' in source '{alias}' were excluded");
        foreach (var match in selected)
        {
            ct.ThrowIfCancellationRequested();
            if (extract)
            {
                if (IsTarball(match))
                    await ExtractAsync(root, match, destination, ct);
                continue;
            }
            await CopyAsync(op, root, match, GlobDestination(pattern, match, destination), excludeBase, ct);
        }
    }

    private async Task CopySingleAsync(CopyOperation op, string root, string source, string destination, bool intoDirectory,
        CancellationToken ct)
    {
        var full = Full(root, source);
        if (Directory.Exists(full))
        {
            if (op.Strategy == CopyOperation.Extract)
                throw new CopyFailedException($"extract strategy is not supported for directories, got '{source}'");
            await CopyAsync(op, root, source, GoPath.Join(destination, GoPath.Base(source)), source, ct);
            return;
        }
        if (!File.Exists(full))
            throw new CopyFailedException($"source '{source}' does not exist");
        if (IsExcluded(source, ".", op.Exclude))
            return;
        if (op.Strategy == CopyOperation.Extract)
        {
            if (!IsTarball(source))
                throw new CopyFailedException($"extract strategy requires tarball file (.tar.gz or .tgz), got '{source}'");
            await ExtractAsync(root, source, destination, ct);
            return;
        }
        var target = intoDirectory || Directory.Exists(Full(staging, destination))
            ? GoPath.Join(destination, GoPath.Base(source))
            : destination;
        await CopyAsync(op, root, source, target, ".", ct);
    }

    /// <summary>A file (merged when the strategy says so and the destination exists) or a whole directory.</summary>
    private async Task CopyAsync(CopyOperation op, string root, string source, string destination, string excludeBase,
        CancellationToken ct)
    {
        if (Directory.Exists(Full(root, source)))
        {
            CopyDirectory(root, source, destination, op.Exclude, excludeBase, ct);
            return;
        }
        if (op.Strategy == CopyOperation.Merge && File.Exists(Full(staging, destination)))
        {
            var merged = ValuesMerge.Merge(
                await File.ReadAllTextAsync(Full(staging, destination), ct),
                await File.ReadAllTextAsync(Full(root, source), ct));
            await File.WriteAllTextAsync(Full(staging, destination), merged, ct);
            return;
        }
        CopyFile(root, source, destination);
    }

    private void CopyDirectory(string root, string source, string destination, IReadOnlyList<string>? exclude, string excludeBase,
        CancellationToken ct)
    {
        Directory.CreateDirectory(Full(staging, destination));
        var excludedDirectories = new List<string>();
        foreach (var path in PathGlob.Walk(Full(root, source), ""))
        {
            ct.ThrowIfCancellationRequested();
            if (excludedDirectories.Any(d => path.StartsWith(d + "/", StringComparison.Ordinal)))
                continue;
            var sourcePath = source == "." ? path : source + "/" + path;
            var isDirectory = Directory.Exists(Full(root, sourcePath));
            if (IsExcluded(sourcePath, excludeBase, exclude))
            {
                if (isDirectory)
                    excludedDirectories.Add(path);
                continue;
            }
            var target = GoPath.Join(destination, path);
            if (isDirectory)
                Directory.CreateDirectory(Full(staging, target));
            else
                CopyFile(root, sourcePath, target);
        }
    }

    private void CopyFile(string root, string source, string destination)
    {
        var target = Full(staging, destination);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        File.Copy(Full(root, source), target, overwrite: true);
    }

    /// <summary>Unpacks a tarball into the destination directory, keeping its layout; files already there are
    /// overwritten, as untar over an existing tree does.</summary>
    private async Task ExtractAsync(string root, string source, string destination, CancellationToken ct)
    {
        var target = Full(staging, destination);
        var unpacked = Path.Combine(Path.GetDirectoryName(staging)!, ".extract-" + Guid.NewGuid().ToString("N"));
        try
        {
            await using (var tarball = File.OpenRead(Full(root, source)))
                await TarballUnpacker.UnpackAsync(tarball, unpacked, limits, ct);
            foreach (var path in PathGlob.Walk(unpacked, ""))
            {
                var from = Path.Combine(unpacked, path);
                var to = Path.Combine(target, path);
                if (Directory.Exists(from))
                    Directory.CreateDirectory(to);
                else
                {
                    Directory.CreateDirectory(Path.GetDirectoryName(to)!);
                    File.Copy(from, to, overwrite: true);
                }
            }
            Directory.CreateDirectory(target);
        }
        catch (Exception e) when (e is IOException or UnsafeArchiveException or ArtifactException or InvalidDataException)
        {
            throw new CopyFailedException($"failed to extract tarball '{source}' to '{destination}': {e.Message}", e);
        }
        finally
        {
            if (Directory.Exists(unpacked))
                Directory.Delete(unpacked, recursive: true);
        }
    }

    /// <summary>"@alias/pattern" -> (alias, pattern).</summary>
    public static (string Alias, string Pattern) ParseSource(string from)
    {
        if (!from.StartsWith('@'))
            throw new CopyFailedException($"invalid copy source '{from}': source must start with '@'");
        var slash = from.IndexOf('/');
        if (slash < 0)
            throw new CopyFailedException($"invalid copy source '{from}': source format must be '@alias/pattern'");
        return (from[1..slash], from[(slash + 1)..]);
    }

    private static bool IsTarball(string path) =>
        path.EndsWith(".tar.gz", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".tgz", StringComparison.OrdinalIgnoreCase);

    /// <summary>"dir/**" strips "dir/" from each match; other globs keep the match's whole path.</summary>
    private static string GlobDestination(string pattern, string match, string destination) =>
        pattern.EndsWith("/**", StringComparison.Ordinal) && match.StartsWith(pattern[..^3] + "/", StringComparison.Ordinal)
            ? GoPath.Join(destination, match[(pattern.Length - 2)..])
            : GoPath.Join(destination, match);

    /// <summary>The literal prefix of a glob, before its first segment with a wildcard ("." when none).</summary>
    private static string SelectionRoot(string pattern)
    {
        var literal = GoPath.Clean(pattern).Split('/').TakeWhile(p => !PathGlob.HasMeta(p)).ToList();
        return literal.Count == 0 ? "." : GoPath.Join([.. literal]);
    }

    /// <summary>Matches excludes against the path from the source root and from the selection's root.</summary>
    private static bool IsExcluded(string path, string basePath, IReadOnlyList<string>? patterns)
    {
        if (patterns is not { Count: > 0 })
            return false;
        if (Excluded(path, patterns))
            return true;
        basePath = GoPath.Clean(basePath);
        path = GoPath.Clean(path);
        string relative;
        if (basePath == ".")
            relative = path;
        else if (path.StartsWith(basePath + "/", StringComparison.Ordinal))
            relative = path[(basePath.Length + 1)..];
        else
            return false;
        return relative != "." && relative != path && Excluded(relative, patterns);
    }

    private static bool Excluded(string path, IReadOnlyList<string> patterns)
    {
        var name = GoPath.Base(path);
        return patterns.Any(p => PathGlob.Match(p, path) || (!p.Contains('/') && PathGlob.Match(p, name)));
    }

    /// <summary>The file behind a relative path inside <paramref name="root"/>; a path leaving it is refused, as
    /// os.Root refuses it.</summary>
    private static string Full(string root, string relative)
    {
        var rootFull = Path.GetFullPath(root);
        var full = Path.GetFullPath(Path.Combine(rootFull, relative));
        if (full != rootFull && !full.StartsWith(rootFull + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            throw new CopyFailedException($"path '{relative}' escapes from parent");
        return full;
    }
}
