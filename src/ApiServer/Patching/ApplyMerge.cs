using System.Text.Json.Nodes;

namespace Tide.ApiServer.Patching;

/// <summary>Merging an applied configuration into the live object and pruning fields, with structured-merge-diff's
/// rules: objects merge field by field, atomic values are replaced, set and map lists merge item by item.</summary>
internal static class ApplyMerge
{
    /// <summary>Merges <paramref name="config"/> into <paramref name="live"/> (which this call owns and changes).</summary>
    public static JsonNode? Merge(JsonNode? live, JsonNode? config, ValueSchema schema, List<PathElement> path)
    {
        switch (config)
        {
            case JsonObject configObject when !schema.Atomic && live is JsonObject liveObject:
                foreach (var (key, value) in configObject)
                {
                    if (value is null)
                    {
                        // An explicit null in an applied configuration leaves the field unset.
                        liveObject.Remove(key);
                        continue;
                    }
                    liveObject.TryGetPropertyValue(key, out var liveValue);
                    if (liveValue is not null)
                        liveObject[key] = null; // detached, so it can be merged and re-attached in place
                    path.Add(PathElement.Field(key));
                    liveObject[key] = Merge(liveValue, value, schema.Field(key), path);
                    path.RemoveAt(path.Count - 1);
                }
                return liveObject;
            case JsonObject configObject when !schema.Atomic:
                return Merge(new JsonObject(), configObject, schema, path);
            case JsonArray configArray when schema.ListType != ListType.Atomic && live is JsonArray liveArray:
                return MergeList(liveArray, configArray, schema, path);
            case JsonArray configArray when schema.ListType != ListType.Atomic:
                return MergeList([], configArray, schema, path);
            default:
                return config?.DeepClone();
        }
    }

    /// <summary>Keeps live-only items where they are and puts applied items in the configuration's order, as
    /// structured-merge-diff's list merge does: shared items follow the configuration, new ones come after the live
    /// item they follow in it.</summary>
    private static JsonArray MergeList(JsonArray live, JsonArray config, ValueSchema schema, List<PathElement> path)
    {
        var configElements = ListItems.ConfigElements(config, schema, path);
        var liveElements = ListItems.Elements(live, schema, rejectDuplicates: false, path);
        if (liveElements is null)
            return (JsonArray)Merge(null, config, schema with { ListType = ListType.Atomic }, path)!;

        var liveItems = live.ToList();
        live.Clear();
        var liveByElement = new Dictionary<PathElement, JsonNode?>();
        for (var i = 0; i < liveItems.Count; i++)
            liveByElement.TryAdd(liveElements[i], liveItems[i]);
        var configByElement = configElements.Select((element, i) => (element, config[i])).ToDictionary(p => p.element, p => p.Item2);
        var sharedOrder = new Queue<PathElement>(configElements.Where(liveByElement.ContainsKey));
        sharedOrder.TryDequeue(out var nextShared);

        var result = new JsonArray();
        var merged = new HashSet<PathElement>();
        int l = 0, r = 0;
        while (l < liveItems.Count || r < configElements.Count)
        {
            if (l < liveItems.Count && r < configElements.Count)
            {
                var element = liveElements[l];
                if (element.Equals(configElements[r]))
                {
                    merged.Add(element);
                    result.Add(MergeItem(liveByElement[element], configByElement[element], schema, path, element));
                    l++;
                    r++;
                    sharedOrder.TryDequeue(out nextShared);
                    continue;
                }
                if (configByElement.ContainsKey(element) && nextShared is not null && !nextShared.Equals(element))
                {
                    l++; // a shared item, placed when the configuration reaches it
                    continue;
                }
            }
            if (l < liveItems.Count)
            {
                var element = liveElements[l];
                if (!configByElement.ContainsKey(element))
                {
                    result.Add(liveItems[l]);
                    l++;
                    continue;
                }
                if (merged.Contains(element))
                {
                    l++;
                    continue;
                }
            }
            if (r < configElements.Count)
            {
                var element = configElements[r];
                merged.Add(element);
                result.Add(MergeItem(liveByElement.GetValueOrDefault(element), configByElement[element], schema, path, element));
                r++;
                if (nextShared is not null && nextShared.Equals(element))
                    sharedOrder.TryDequeue(out nextShared);
            }
        }
        return result;
    }

    private static JsonNode? MergeItem(JsonNode? live, JsonNode? config, ValueSchema schema, List<PathElement> path, PathElement element)
    {
        if (live?.Parent is not null)
            live = live.DeepClone(); // a repeated live key: the first item was already placed
        path.Add(element);
        var merged = Merge(live, config, schema.Items, path);
        path.RemoveAt(path.Count - 1);
        return merged;
    }

    /// <summary>Removes every member path of <paramref name="remove"/> (with everything below it) from the object.</summary>
    public static void Remove(JsonObject obj, FieldSet remove, ValueSchema schema)
    {
        foreach (var key in obj.Select(member => member.Key).ToList())
        {
            var element = PathElement.Field(key);
            if (remove.HasMember(element))
                obj.Remove(key);
            else if (remove.Below(element) is { } below)
                RemoveBelow(obj[key], below, schema.Field(key));
        }
    }

    private static void RemoveBelow(JsonNode? node, FieldSet remove, ValueSchema schema)
    {
        switch (node)
        {
            case JsonObject obj when !schema.Atomic:
                Remove(obj, remove, schema);
                break;
            case JsonArray array when schema.ListType != ListType.Atomic:
                for (var i = array.Count - 1; i >= 0; i--)
                {
                    if (ListItems.Element(array[i], schema) is not { } element)
                        continue;
                    if (remove.HasMember(element))
                        array.RemoveAt(i);
                    else if (remove.Below(element) is { } below)
                        RemoveBelow(array[i], below, schema.Items);
                }
                break;
        }
    }
}
