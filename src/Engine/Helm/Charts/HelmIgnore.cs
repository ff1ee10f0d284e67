namespace Tide.Engine.Helm.Charts;

/// <summary>.helmignore rules (Helm's pkg/ignore): filepath.Match globs; no slash = basename match; trailing slash =
/// directories only; leading '!' negates; first match decides.</summary>
public sealed class HelmIgnore
{
    private sealed record Rule(string Pattern, bool Negate, bool MustDir, bool Rooted, bool HasSlash);

    private readonly List<Rule> _rules = [];

    public static HelmIgnore Parse(string? text)
    {
        var ignore = new HelmIgnore();
        // Helm always ignores dot-files inside templates/.
        ignore.Add("templates/.?*");
        if (text is not null)
            foreach (var line in text.Split('\n'))
                ignore.Add(line);
        return ignore;
    }

    private void Add(string line)
    {
        var rule = line.Trim();
        if (rule.Length == 0 || rule.StartsWith('#'))
            return;
        var negate = rule.StartsWith('!');
        if (negate)
            rule = rule[1..];
        var mustDir = rule.EndsWith('/');
        if (mustDir)
            rule = rule.TrimEnd('/');
        var rooted = rule.StartsWith('/');
        if (rooted)
            rule = rule.TrimStart('/');
        _rules.Add(new Rule(rule, negate, mustDir, rooted, rule.Contains('/')));
    }

    public bool Ignored(string path, bool isDir)
    {
        if (path is "" or "." or "./")
            return false;
        foreach (var r in _rules)
        {
            if (r.MustDir && !isDir)
                continue;
            var subject = r.Rooted || r.HasSlash ? path : Path.GetFileName(path);
            var match = GoGlob.PathMatch(r.Pattern, subject);
            if (r.Negate)
            {
                if (match)
                    return false;
                continue;
            }
            if (match)
                return true;
        }
        return false;
    }
}
