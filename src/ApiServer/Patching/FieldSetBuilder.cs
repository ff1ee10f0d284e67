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
        VisitMembers(config, schema, path, set);
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
                VisitMembers(obj, schema, path, set);
                break;
            case JsonArray when schema.ListType == ListType.Atomic:
                set.Insert(path);
                break;
            case JsonArray array:
                var elements = ListItems.ConfigElements(array, schema, path);
                for (var i = 0; i < array.Count; i++)
                {
                    path.Add(elements[i]);
                    if (array[i] is JsonObject item)
                        Visit(item, schema.Items, path, set);
                    set.Insert(path);
                    path.RemoveAt(path.Count - 1);
                }
                break;
            default:
                set.Insert(path);
                break;
        }
    }

    private static void VisitMembers(JsonObject obj, ValueSchema schema, List<PathElement> path, FieldSet set)
    {
        foreach (var (key, child) in obj)
        {
            path.Add(PathElement.Field(key));
            Visit(child, schema.Field(key), path, set);
            path.RemoveAt(path.Count - 1);
        }
    }
}
