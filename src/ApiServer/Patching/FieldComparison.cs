using System.Text.Json.Nodes;

namespace Tide.ApiServer.Patching;

/// <summary>What changed between two versions of an object, field by field (structured-merge-diff's Compare): a field
/// that appears is Added (with everything below it), one that goes is Removed, a changed leaf is Modified. Atomic
/// lists and objects, and lists or objects empty on both sides, are leaves.</summary>
internal sealed record FieldComparison(FieldSet Added, FieldSet Modified, FieldSet Removed)
{
    public static FieldComparison Between(JsonObject? before, JsonObject? after, ValueSchema schema)
    {
        var comparison = new FieldComparison(new FieldSet(), new FieldSet(), new FieldSet());
        comparison.CompareMembers(before, after, schema, []);
        return comparison;
    }

    public FieldSet Changed => Added.Union(Modified);

    private void Compare(JsonNode? before, JsonNode? after, ValueSchema schema, List<PathElement> path)
    {
        switch (before ?? after)
        {
            case JsonObject when !schema.Atomic && (before is null or JsonObject) && (after is null or JsonObject)
                                 && !(IsEmpty(before) && IsEmpty(after)):
                CompareMembers(before as JsonObject, after as JsonObject, schema, path);
                break;
            case JsonArray when schema.ListType != ListType.Atomic && (before is null or JsonArray) && (after is null or JsonArray)
                                && !(IsEmpty(before) && IsEmpty(after))
                                && CompareItems(before as JsonArray, after as JsonArray, schema, path):
                break;
            default:
                Leaf(before, after, path);
                return;
        }
        if (before is null)
            Added.Insert(path);
        else if (after is null)
            Removed.Insert(path);
    }

    private void CompareMembers(JsonObject? before, JsonObject? after, ValueSchema schema, List<PathElement> path)
    {
        foreach (var (key, value) in after ?? [])
        {
            var field = schema.Field(key);
            path.Add(PathElement.Field(key));
            Compare(before?[key] ?? ZeroValue(field, value), value, field, path);
            path.RemoveAt(path.Count - 1);
        }
        foreach (var (key, value) in before ?? [])
        {
            if (after?[key] is not null)
                continue;
            var field = schema.Field(key);
            path.Add(PathElement.Field(key));
            Compare(value, ZeroValue(field, value), field, path);
            path.RemoveAt(path.Count - 1);
        }
    }

    /// <summary>Kubernetes compares typed objects, in which a field present in the Go zero value (a non-pointer struct,
    /// a list without omitempty) always exists: a missing one there counts as empty here, so that it is never added or
    /// removed as a whole, only its contents.</summary>
    private static JsonNode? ZeroValue(ValueSchema field, JsonNode? counterpart) => field.InZeroValue
        ? counterpart switch
        {
            JsonObject => new JsonObject(),
            JsonArray => new JsonArray(),
            _ => null,
        }
        : null;

    /// <summary>Compares items by key; false when some item has no key, so the caller treats the list as a leaf.</summary>
    private bool CompareItems(JsonArray? before, JsonArray? after, ValueSchema schema, List<PathElement> path)
    {
        var beforeItems = Index(before, schema);
        var afterItems = Index(after, schema);
        if (beforeItems is null || afterItems is null)
            return false;
        foreach (var (element, item) in afterItems)
        {
            path.Add(element);
            Compare(beforeItems.GetValueOrDefault(element), item, schema.Items, path);
            path.RemoveAt(path.Count - 1);
        }
        foreach (var (element, item) in beforeItems)
        {
            if (afterItems.ContainsKey(element))
                continue;
            path.Add(element);
            Compare(item, null, schema.Items, path);
            path.RemoveAt(path.Count - 1);
        }
        return true;
    }

    /// <summary>Items by element, first occurrence winning (as structured-merge-diff ignores repeated keys).</summary>
    private static Dictionary<PathElement, JsonNode?>? Index(JsonArray? items, ValueSchema schema)
    {
        if (items is null)
            return [];
        var elements = ListItems.Elements(items, schema, rejectDuplicates: false, []);
        if (elements is null)
            return null;
        var index = new Dictionary<PathElement, JsonNode?>();
        for (var i = 0; i < elements.Count; i++)
            index.TryAdd(elements[i], items[i]);
        return index;
    }

    private void Leaf(JsonNode? before, JsonNode? after, List<PathElement> path)
    {
        if (before is null)
            Added.Insert(path);
        else if (after is null)
            Removed.Insert(path);
        else if (!JsonNode.DeepEquals(before, after))
            Modified.Insert(path);
    }

    private static bool IsEmpty(JsonNode? node) => node switch
    {
        null => true,
        JsonObject obj => obj.Count == 0,
        JsonArray array => array.Count == 0,
        _ => false,
    };
}
