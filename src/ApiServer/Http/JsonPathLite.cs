using System.Text.Json.Nodes;

namespace Tide.ApiServer.Http;

/// <summary>The JSONPath subset CRD printer columns use: `.a.b`, `.a[0]`, `.a[*].b`, `.a[?(@.type=="Ready")].status`.
/// Returns every match.</summary>
internal static class JsonPathLite
{
    public static List<JsonNode?> Select(JsonNode? root, string path)
    {
        var current = new List<JsonNode?> { root };
        var p = path.Trim().TrimStart('{').TrimEnd('}').TrimStart('$');
        var i = 0;
        while (i < p.Length && current.Count > 0)
        {
            if (p[i] == '.')
            {
                var end = i + 1;
                while (end < p.Length && p[end] != '.' && p[end] != '[') end++;
                var field = p[(i + 1)..end];
                current = current.Select(n => n is JsonObject o && field.Length > 0 ? o[field] : field.Length == 0 ? n : null)
                    .Where(n => n is not null).ToList();
                i = end;
            }
            else if (p[i] == '[')
            {
                var end = p.IndexOf(']', i);
                if (end < 0) return [];
                var inner = p[(i + 1)..end];
                current = current.SelectMany(n => Index(n, inner)).ToList();
                i = end + 1;
            }
            else
            {
                return [];
            }
        }
        return current;
    }

    private static IEnumerable<JsonNode?> Index(JsonNode? node, string inner)
    {
        if (node is not JsonArray array) return [];
        if (inner == "*") return array;
        if (int.TryParse(inner, out var index))
        {
            if (index < 0) index += array.Count;
            return index >= 0 && index < array.Count ? [array[index]] : [];
        }
        if (inner.StartsWith("?(@.") && inner.EndsWith(')'))
        {
            var condition = inner[4..^1];
            var eq = condition.IndexOf("==", StringComparison.Ordinal);
            if (eq < 0) return array.Where(e => e is JsonObject o && o[condition] is not null);
            var field = condition[..eq].Trim();
            var value = condition[(eq + 2)..].Trim().Trim('"', '\'');
            return array.Where(e => e is JsonObject o && o[field]?.ToString() == value);
        }
        return [];
    }
}
