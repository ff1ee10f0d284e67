using System.Text.Json.Nodes;

namespace Tide.ApiServer.Patching;

/// <summary>How server-side apply names the items of a set or map list (structured-merge-diff's listItemToPathElement).</summary>
internal static class ListItems
{
    /// <summary>The path element of <paramref name="item"/>, or null when it cannot have one (a map-list item without
    /// a key field that has no default, or a set member that is not a scalar).</summary>
    public static PathElement? Element(JsonNode? item, ValueSchema list)
    {
        if (list.ListType == ListType.Set)
            return item is JsonObject or JsonArray ? null : PathElement.SetValue(item);
        if (item is not JsonObject obj)
            return null;
        var fields = new List<(string, JsonNode?)>();
        foreach (var (name, defaultValue) in list.ListKeys)
        {
            if (obj[name] is { } value)
                fields.Add((name, value));
            else if (defaultValue is not null)
                fields.Add((name, defaultValue));
            else
                return null;
        }
        return PathElement.Key(fields);
    }

    /// <summary>The element of every item, or null if any item has none (such a list is then treated as atomic).
    /// With <paramref name="rejectDuplicates"/>, two items with one key are an error, as they are in an applied config.</summary>
    public static List<PathElement>? Elements(JsonArray items, ValueSchema list, bool rejectDuplicates, string path)
    {
        var elements = new List<PathElement>(items.Count);
        var seen = new HashSet<PathElement>();
        foreach (var item in items)
        {
            if (Element(item, list) is not { } element)
                return null;
            if (!seen.Add(element) && rejectDuplicates)
                throw new PatchException($"{path}: duplicate entries for key {element}");
            elements.Add(element);
        }
        return elements;
    }

    public static string Describe(IEnumerable<PathElement> path) => string.Concat(path.Select(element => element.ToString()));
}
