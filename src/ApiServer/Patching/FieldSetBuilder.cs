using System.Text.Json.Nodes;

namespace Tide.ApiServer.Patching;

/// <summary>The fields an applied configuration sets (structured-merge-diff's ToFieldSet): every scalar, every atomic
/// list or object, every set member and keyed list item (the item itself, <c>"."</c> in FieldsV1), never a plain
/// object field on its own.</summary>
internal static class FieldSetBuilder
{
    public static FieldSet Build(JsonObject config, ValueSchema schema)
    {
        var set = new FieldSet();
        var path = new List<PathElement>();
        foreach (var (key, value) in config)
            Visit(value, schema.Field(key), Descend(path, PathElement.Field(key)), set);
        return set;
    }

    private static void Visit(JsonNode? value, ValueSchema schema, List<PathElement> path, FieldSet set)
    {
        switch (value)
        {
            case JsonObject when schema.Atomic:
                set.Insert(path);
                break;
            case JsonObject obj:
                foreach (var (key, child) in obj)
                    Visit(child, schema.Field(key), Descend(path, PathElement.Field(key)), set);
                break;
            case JsonArray when schema.ListType == ListType.Atomic:
                set.Insert(path);
                break;
            case JsonArray array:
                var elements = ListItems.Elements(array, schema, rejectDuplicates: true, ListItems.Describe(path))
                    ?? throw new PatchException($"{ListItems.Describe(path)}: associative list with keys {string.Join(", ", schema.ListKeys.Select(k => k.Name))} has an element that omits a key field");
                for (var i = 0; i < array.Count; i++)
                {
                    var itemPath = Descend(path, elements[i]);
                    if (array[i] is JsonObject item)
                        Visit(item, schema.Items, itemPath, set);
                    set.Insert(itemPath);
                }
                break;
            default:
                set.Insert(path);
                break;
        }
    }

    private static List<PathElement> Descend(List<PathElement> path, PathElement element) => [.. path, element];
}
