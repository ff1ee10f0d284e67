namespace Tide.Engine.Sources.Ignore;

/// <summary>
/// A list of ignore patterns, lowest priority first; the last pattern that matches a path decides (a negated one
/// re-includes it).
/// </summary>
public sealed class IgnoreMatcher(IReadOnlyList<IgnorePattern> patterns)
{
    public IReadOnlyList<IgnorePattern> Patterns { get; } = patterns;

    /// <summary>Whether the path ('/'-separated, relative to the source root) is excluded.</summary>
    public bool IsExcluded(string relativePath, bool isDirectory)
    {
        var path = relativePath.Split('/', StringSplitOptions.RemoveEmptyEntries);
        for (var i = Patterns.Count - 1; i >= 0; i--)
            if (Patterns[i].Matches(path, isDirectory))
                return !Patterns[i].Negated;
        return false;
    }
}
