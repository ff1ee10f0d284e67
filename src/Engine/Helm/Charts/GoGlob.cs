using System.Text;
using System.Text.RegularExpressions;

namespace Tide.Engine.Helm.Charts;

/// <summary>Glob matching: Go's filepath.Match (for .helmignore) and gobwas/glob with '/' separators (Files.Glob).</summary>
public static class GoGlob
{
    /// <summary>filepath.Match: '*' and '?' never match '/'; character classes with '^' negation; '\' escapes.</summary>
    public static bool PathMatch(string pattern, string name) => Compile(pattern, doubleStar: false).IsMatch(name);

    /// <summary>gobwas/glob.Compile(pattern, '/'): like PathMatch, plus '**' across separators and {a,b} alternatives.</summary>
    public static bool FilesMatch(string pattern, string name) => Compile(pattern, doubleStar: true).IsMatch(name);

    private static readonly Dictionary<(string, bool), Regex> Cache = [];

    private static Regex Compile(string pattern, bool doubleStar)
    {
        lock (Cache)
        {
            if (Cache.TryGetValue((pattern, doubleStar), out var cached))
                return cached;
        }
        var sb = new StringBuilder("^");
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            switch (c)
            {
                case '*':
                    if (doubleStar && i + 1 < pattern.Length && pattern[i + 1] == '*')
                    {
                        sb.Append(".*");
                        i++;
                    }
                    else
                    {
                        sb.Append("[^/]*");
                    }
                    break;
                case '?':
                    sb.Append("[^/]");
                    break;
                case '[':
                    var end = pattern.IndexOf(']', i + 1);
                    if (end < 0)
                    {
                        sb.Append(@"\[");
                        break;
                    }
                    var cls = pattern[(i + 1)..end];
                    if (cls.StartsWith('^') || cls.StartsWith('!'))
                        cls = "^" + cls[1..];
                    sb.Append('[').Append(cls.Replace(@"\", @"\\")).Append(']');
                    i = end;
                    break;
                case '{' when doubleStar:
                    var close = pattern.IndexOf('}', i + 1);
                    if (close < 0)
                    {
                        sb.Append(@"\{");
                        break;
                    }
                    sb.Append("(?:").Append(string.Join('|', pattern[(i + 1)..close].Split(',').Select(Regex.Escape))).Append(')');
                    i = close;
                    break;
                case '\\' when i + 1 < pattern.Length:
                    sb.Append(Regex.Escape(pattern[++i].ToString()));
                    break;
                default:
                    sb.Append(Regex.Escape(c.ToString()));
                    break;
            }
        }
        var regex = new Regex(sb.Append('$').ToString(), RegexOptions.CultureInvariant);
        lock (Cache)
            Cache[(pattern, doubleStar)] = regex;
        return regex;
    }
}
