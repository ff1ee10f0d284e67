using Tide.Engine.GoCompat;
using Tide.Engine.Sources.Ignore;

namespace Tide.Engine.Generators;

/// <summary>
/// The two globs source-watcher's copy rules use over a source's tree: Go's fs.Glob (each segment matched on its own,
/// so '**' is '*': "dir/**" selects dir's direct children, which are then copied whole) and doublestar's Match and
/// Glob ('**' spans any number of directories), used by the Extract strategy and by exclude patterns.
/// Paths are relative and '/'-separated.
/// </summary>
internal static class PathGlob
{
    public static bool HasMeta(string pattern) => pattern.AsSpan().IndexOfAny("*?[]") >= 0;

    /// <summary>Whether every '[' of <paramref name="pattern"/> closes: what Go and doublestar reject as
    /// ErrBadPattern.</summary>
    public static bool IsValid(string pattern)
    {
        var open = false;
        for (var i = 0; i < pattern.Length; i++)
        {
            if (pattern[i] == '\\')
                i++;
            else if (pattern[i] == '[' && !open)
                open = true;
            else if (pattern[i] == ']' && open)
                open = false;
        }
        return !open;
    }

    /// <summary>fs.Glob: the paths under <paramref name="root"/> matching <paramref name="pattern"/>, in order.</summary>
    public static IReadOnlyList<string> Glob(string root, string pattern)
    {
        var matches = new List<string> { "." };
        foreach (var segment in pattern.Split('/').Where(s => s.Length > 0))
        {
            var next = new List<string>();
            foreach (var directory in matches)
            {
                var full = directory == "." ? root : Path.Combine(root, directory);
                if (!HasMeta(segment))
                {
                    var candidate = GoPath.Join(directory, segment);
                    if (Exists(Path.Combine(root, candidate)))
                        next.Add(candidate);
                    continue;
                }
                if (!Directory.Exists(full))
                    continue;
                next.AddRange(Directory.EnumerateFileSystemEntries(full)
                    .Select(Path.GetFileName)
                    .OfType<string>()
                    .Where(name => Sources.Ignore.Glob.Matches(segment, name))
                    .Order(StringComparer.Ordinal)
                    .Select(name => GoPath.Join(directory, name)));
            }
            matches = next;
        }
        return matches.Where(m => m != ".").ToList();
    }

    /// <summary>doublestar.Glob: every path under <paramref name="root"/> (files and directories) that
    /// <see cref="Match"/> accepts, in lexical walk order.</summary>
    public static IReadOnlyList<string> DoubleStarGlob(string root, string pattern) =>
        Walk(root, "").Where(path => Match(pattern, path)).ToList();

    /// <summary>doublestar.Match: '**' as a whole segment matches any number of segments (none included); other
    /// segments match one segment each, as Go's path.Match.</summary>
    public static bool Match(string pattern, string path) =>
        MatchSegments(pattern.Split('/'), 0, path == "." ? [] : path.Split('/'), 0);

    private static bool MatchSegments(string[] pattern, int p, string[] path, int n)
    {
        if (p == pattern.Length)
            return n == path.Length;
        if (pattern[p] == "**")
        {
            for (var skip = n; skip <= path.Length; skip++)
                if (MatchSegments(pattern, p + 1, path, skip))
                    return true;
            return false;
        }
        return n < path.Length && Sources.Ignore.Glob.Matches(pattern[p], path[n]) && MatchSegments(pattern, p + 1, path, n + 1);
    }

    private static bool Exists(string path) => File.Exists(path) || Directory.Exists(path);

    /// <summary>Relative paths of every entry below <paramref name="root"/>, parents before children, names in
    /// ordinal order (as fs.WalkDir).</summary>
    public static IEnumerable<string> Walk(string root, string relative)
    {
        var full = relative.Length == 0 ? root : Path.Combine(root, relative);
        foreach (var entry in new DirectoryInfo(full).EnumerateFileSystemInfos().OrderBy(e => e.Name, StringComparer.Ordinal))
        {
            var path = relative.Length == 0 ? entry.Name : relative + "/" + entry.Name;
            yield return path;
            if (entry is DirectoryInfo { LinkTarget: null })
                foreach (var child in Walk(root, path))
                    yield return child;
        }
    }
}
