namespace Tide.Engine.Kustomize.Transformers.Patches;

/// <summary>Kubernetes label selector strings: "a=b,c!=d,e in (f,g),h notin (i),j,!k".</summary>
public static class LabelSelectorMatcher
{
    public static bool Matches(string selector, IReadOnlyDictionary<string, string> labels)
    {
        if (string.IsNullOrWhiteSpace(selector))
            return true;
        foreach (var term in SplitTerms(selector))
        {
            var t = term.Trim();
            if (t.Length == 0)
                continue;
            if (!MatchesTerm(t, labels))
                return false;
        }
        return true;
    }

    private static bool MatchesTerm(string t, IReadOnlyDictionary<string, string> labels)
    {
        var inIdx = t.IndexOf(" in ", StringComparison.Ordinal);
        var notInIdx = t.IndexOf(" notin ", StringComparison.Ordinal);
        if (notInIdx > 0)
            return !labels.TryGetValue(t[..notInIdx].Trim(), out var v) || !Values(t[(notInIdx + 7)..]).Contains(v);
        if (inIdx > 0)
            return labels.TryGetValue(t[..inIdx].Trim(), out var v) && Values(t[(inIdx + 4)..]).Contains(v);
        if (t.StartsWith('!'))
            return !labels.ContainsKey(t[1..].Trim());
        var ne = t.IndexOf("!=", StringComparison.Ordinal);
        if (ne > 0)
            return !labels.TryGetValue(t[..ne].Trim(), out var v) || v != t[(ne + 2)..].Trim();
        var eq = t.IndexOf('=');
        if (eq > 0)
        {
            var value = t[(eq + 1)..].TrimStart('=').Trim();
            return labels.TryGetValue(t[..eq].Trim(), out var v) && v == value;
        }
        return labels.ContainsKey(t);
    }

    private static HashSet<string> Values(string list) =>
        list.Trim().TrimStart('(').TrimEnd(')').Split(',').Select(v => v.Trim()).ToHashSet();

    private static IEnumerable<string> SplitTerms(string selector)
    {
        var depth = 0;
        var start = 0;
        for (var i = 0; i < selector.Length; i++)
        {
            if (selector[i] == '(') depth++;
            else if (selector[i] == ')') depth--;
            else if (selector[i] == ',' && depth == 0)
            {
                yield return selector[start..i];
                start = i + 1;
            }
        }
        yield return selector[start..];
    }
}
