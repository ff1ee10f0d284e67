using System.Text.Json.Nodes;
using Tide.ApiServer.Http;
using Tide.ApiServer.Serialization;

namespace Tide.ApiServer.Semantics;

/// <summary>A label selector as Kubernetes parses it from `?labelSelector=`: equality (=, ==, !=), set-based
/// (in, notin) and existence (key, !key) requirements, all of which must hold.</summary>
internal sealed class LabelSelector
{
    private readonly List<Func<IReadOnlyDictionary<string, string>, bool>> _requirements;

    private LabelSelector(List<Func<IReadOnlyDictionary<string, string>, bool>> requirements) => _requirements = requirements;

    public static LabelSelector Everything { get; } = new([]);

    public bool Matches(IReadOnlyDictionary<string, string> labels) => _requirements.All(r => r(labels));

    public static LabelSelector Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return Everything;
        var requirements = new List<Func<IReadOnlyDictionary<string, string>, bool>>();
        foreach (var part in SplitTopLevel(text))
        {
            requirements.Add(ParseRequirement(part.Trim()));
        }
        return new LabelSelector(requirements);
    }

    /// <summary>A metav1.LabelSelector object: matchLabels and matchExpressions (In, NotIn, Exists, DoesNotExist).
    /// An unknown operator matches nothing, as Kubernetes refuses such a selector.</summary>
    public static LabelSelector FromObject(JsonObject selector)
    {
        var requirements = new List<Func<IReadOnlyDictionary<string, string>, bool>>();
        foreach (var (key, value) in selector["matchLabels"] as JsonObject ?? [])
        {
            var expected = value?.ToString();
            requirements.Add(labels => labels.TryGetValue(key, out var v) && v == expected);
        }
        foreach (var expression in (selector["matchExpressions"] as JsonArray ?? []).OfType<JsonObject>())
        {
            var key = expression.Str("key") ?? "";
            var values = (expression["values"] as JsonArray ?? []).Select(v => v?.ToString() ?? "").ToHashSet();
            requirements.Add(expression.Str("operator") switch
            {
                "In" => labels => labels.TryGetValue(key, out var v) && values.Contains(v),
                "NotIn" => labels => !labels.TryGetValue(key, out var v) || !values.Contains(v),
                "Exists" => labels => labels.ContainsKey(key),
                "DoesNotExist" => labels => !labels.ContainsKey(key),
                _ => _ => false,
            });
        }
        return new LabelSelector(requirements);
    }

    private static Func<IReadOnlyDictionary<string, string>, bool> ParseRequirement(string r)
    {
        if (r.Length == 0) throw Bad(r);
        if (r.StartsWith('!'))
        {
            var key = r[1..].Trim();
            return labels => !labels.ContainsKey(key);
        }
        var words = r.Split(' ', 2, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (words.Length == 2 && (words[1].StartsWith("in ") || words[1].StartsWith("in(") || words[1].StartsWith("notin")))
        {
            var negate = words[1].StartsWith("notin");
            var rest = words[1][(negate ? 5 : 2)..].Trim();
            if (!rest.StartsWith('(') || !rest.EndsWith(')')) throw Bad(r);
            var values = rest[1..^1].Split(',', StringSplitOptions.TrimEntries).ToHashSet();
            var key = words[0];
            return negate
                ? labels => !labels.TryGetValue(key, out var v) || !values.Contains(v)
                : labels => labels.TryGetValue(key, out var v) && values.Contains(v);
        }
        foreach (var op in new[] { "!=", "==", "=" })
        {
            var at = r.IndexOf(op, StringComparison.Ordinal);
            if (at < 0) continue;
            var key = r[..at].Trim();
            var value = r[(at + op.Length)..].Trim();
            return op == "!="
                ? labels => !labels.TryGetValue(key, out var v) || v != value
                : labels => labels.TryGetValue(key, out var v) && v == value;
        }
        if (r.Contains(' ') || r.Contains('(')) throw Bad(r);
        return labels => labels.ContainsKey(r);
    }

    private static ApiException Bad(string r) => ApiException.BadRequest($"unable to parse requirement: {r}");

    private static IEnumerable<string> SplitTopLevel(string text)
    {
        var depth = 0;
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '(') depth++;
            else if (text[i] == ')') depth--;
            else if (text[i] == ',' && depth == 0)
            {
                yield return text[start..i];
                start = i + 1;
            }
        }
        yield return text[start..];
    }
}
