namespace Tide.Engine.Sources.Ignore;

/// <summary>
/// One line of a .gitignore/.sourceignore file, scoped to the directory (domain) the file is in. Matching follows
/// the go-git matcher Flux uses: a pattern without '/' matches any path component (so it also matches everything
/// under a matching directory); a pattern with '/' is anchored to its domain, '**' spans directories; a trailing '/'
/// matches directories only; a leading '!' re-includes.
/// </summary>
public sealed class IgnorePattern
{
    private readonly IReadOnlyList<string> _domain;
    private readonly string[] _segments;
    private readonly bool _dirOnly;
    private readonly bool _anchored;

    private IgnorePattern(IReadOnlyList<string> domain, string[] segments, bool negated, bool dirOnly, bool anchored)
    {
        _domain = domain;
        _segments = segments;
        Negated = negated;
        _dirOnly = dirOnly;
        _anchored = anchored;
    }

    /// <summary>True for a '!' pattern that re-includes what earlier patterns excluded.</summary>
    public bool Negated { get; }

    /// <summary>Parses a pattern line; returns null for blank lines and comments.</summary>
    /// <param name="domain">The path segments of the directory holding the ignore file ([] for the root).</param>
    public static IgnorePattern? Parse(string line, IReadOnlyList<string> domain)
    {
        if (line.StartsWith('#') || line.Trim().Length == 0)
            return null;
        var pattern = line;
        var negated = false;
        if (pattern.StartsWith('!'))
        {
            negated = true;
            pattern = pattern[1..];
        }
        else if (pattern.StartsWith("\\!", StringComparison.Ordinal) || pattern.StartsWith("\\#", StringComparison.Ordinal))
        {
            pattern = pattern[1..];
        }
        // Trailing spaces are dropped unless escaped with a backslash.
        if (!pattern.EndsWith("\\ ", StringComparison.Ordinal))
            pattern = pattern.TrimEnd(' ');
        var dirOnly = pattern.EndsWith('/');
        if (dirOnly)
            pattern = pattern[..^1];
        var anchored = pattern.Contains('/');
        return new IgnorePattern(domain.ToArray(), pattern.Split('/'), negated, dirOnly, anchored);
    }

    /// <summary>Whether the pattern applies to the path (segments relative to the source root).</summary>
    public bool Matches(IReadOnlyList<string> path, bool isDirectory)
    {
        if (path.Count <= _domain.Count)
            return false;
        for (var i = 0; i < _domain.Count; i++)
            if (path[i] != _domain[i])
                return false;
        var local = path.Skip(_domain.Count).ToArray();
        return _anchored ? MatchesAnchored(local, isDirectory) : MatchesAnyComponent(local, isDirectory);
    }

    private bool MatchesAnyComponent(string[] path, bool isDirectory)
    {
        for (var i = 0; i < path.Length; i++)
        {
            if (!Glob.Matches(_segments[0], path[i]))
                continue;
            // "name/" matches a directory, and files under it, but not a file called "name".
            return !(_dirOnly && !isDirectory && i == path.Length - 1);
        }
        return false;
    }

    private bool MatchesAnchored(string[] path, bool isDirectory)
    {
        var position = 0;
        var matched = false;
        var spanning = false;
        for (var s = 0; s < _segments.Length; s++)
        {
            var segment = _segments[s];
            if (segment.Length == 0)
            {
                // A leading '/' anchors; an empty segment in the middle ('a//b') means nothing more.
                spanning = false;
                continue;
            }
            if (segment == "**")
            {
                // A trailing '**' matches whatever is inside what came before (go-git counts the directory too).
                if (s == _segments.Length - 1)
                    break;
                spanning = true;
                continue;
            }
            if (segment.Contains("**", StringComparison.Ordinal) || position >= path.Length)
                return false;
            if (spanning)
            {
                spanning = false;
                matched = false;
                while (position < path.Length)
                {
                    if (Glob.Matches(segment, path[position++]))
                    {
                        matched = true;
                        break;
                    }
                }
                if (!matched)
                    return false;
            }
            else
            {
                if (!Glob.Matches(segment, path[position]))
                    return false;
                position++;
                matched = true;
            }
        }
        // Matching a prefix is enough: what is under a matched directory is matched too.
        return matched && !(_dirOnly && !isDirectory && position == path.Length);
    }
}
