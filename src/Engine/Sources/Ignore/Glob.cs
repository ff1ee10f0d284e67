namespace Tide.Engine.Sources.Ignore;

/// <summary>
/// Shell-style matching of one path segment, as Go's filepath.Match: '*' any run of characters, '?' one character,
/// '[a-z]' / '[!a-z]' / '[^a-z]' a class, '\' escapes. A malformed pattern matches nothing.
/// </summary>
internal static class Glob
{
    public static bool Matches(string pattern, string name) => Match(pattern, 0, name, 0);

    private static bool Match(string pattern, int p, string name, int n)
    {
        while (p < pattern.Length)
        {
            switch (pattern[p])
            {
                case '*':
                    // Collapse runs of '*', then try every split point.
                    while (p < pattern.Length && pattern[p] == '*')
                        p++;
                    if (p == pattern.Length)
                        return true;
                    for (var i = n; i <= name.Length; i++)
                        if (Match(pattern, p, name, i))
                            return true;
                    return false;
                case '?':
                    if (n >= name.Length)
                        return false;
                    p++;
                    n++;
                    break;
                case '[':
                    if (n >= name.Length || !MatchClass(pattern, ref p, name[n]))
                        return false;
                    n++;
                    break;
                case '\\':
                    p++;
                    if (p >= pattern.Length || n >= name.Length || pattern[p] != name[n])
                        return false;
                    p++;
                    n++;
                    break;
                default:
                    if (n >= name.Length || pattern[p] != name[n])
                        return false;
                    p++;
                    n++;
                    break;
            }
        }
        return n == name.Length;
    }

    /// <summary>Matches <paramref name="c"/> against the class starting at pattern[p] == '['; advances p past ']'.</summary>
    private static bool MatchClass(string pattern, ref int p, char c)
    {
        var i = p + 1;
        var negated = i < pattern.Length && pattern[i] is '!' or '^';
        if (negated)
            i++;
        var matched = false;
        var first = true;
        while (i < pattern.Length && (pattern[i] != ']' || first))
        {
            first = false;
            var low = pattern[i] == '\\' && i + 1 < pattern.Length ? pattern[++i] : pattern[i];
            i++;
            var high = low;
            if (i + 1 < pattern.Length && pattern[i] == '-' && pattern[i + 1] != ']')
            {
                high = pattern[i + 1] == '\\' && i + 2 < pattern.Length ? pattern[i + 2] : pattern[i + 1];
                i += pattern[i + 1] == '\\' ? 3 : 2;
            }
            if (low <= c && c <= high)
                matched = true;
        }
        if (i >= pattern.Length)
            return false; // no closing ']'
        p = i + 1;
        return matched != negated;
    }
}
