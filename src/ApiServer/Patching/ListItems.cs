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
        var fields = new (string, JsonNode?)[list.ListKeys.Count];
        for (var i = 0; i < fields.Length; i++)
        {
            var (name, defaultValue) = list.ListKeys[i];
            if ((obj[name] ?? defaultValue) is not { } value)
                return null;
            fields[i] = (name, value);
        }
        return PathElement.Key(fields);
    }

    /// <summary>The element of every item, or null if any item has none (such a list is then treated as atomic).
    /// With <paramref name="rejectDuplicates"/>, two items with one key are an error, as they are in an applied config.</summary>
    public static List<PathElement>? Elements(JsonArray items, ValueSchema list, bool rejectDuplicates, IReadOnlyList<PathElement> path)
    {
        var elements = new List<PathElement>(items.Count);
        var seen = new HashSet<PathElement>();
        foreach (var item in items)
        {
            if (Element(item, list) is not { } element)
                return null;
            if (!seen.Add(element) && rejectDuplicates)
                throw new PatchException($"{Describe(path)}: duplicate entries for key {element}");
            elements.Add(element);
        }
        return elements;
    }

    /// <summary>The elements of a map or set list that an applied configuration sets; every item must have one.</summary>
    public static List<PathElement> ConfigElements(JsonArray items, ValueSchema list, IReadOnlyList<PathElement> path) =>
        Elements(items, list, rejectDuplicates: true, path)
        ?? throw new PatchException($"{Describe(path)}: associative list with keys {string.Join(", ", list.ListKeys.Select(k => k.Name))} has an element that omits a key field");

    public static string Describe(IEnumerable<PathElement> path) => string.Concat(path.Select(element => element.ToString()));
}
