using System.Text.Json.Nodes;

namespace Tide.Engine.Apply;

/// <summary>
/// Reclaims an object from the tools that wrote it before or beside Tide, as Flux's kustomize-controller does before
/// it applies: the field sets of kubectl (client-side apply, edit, patch, server-side apply), of "before-first-apply"
/// and of Tide's own non-apply writes become Tide's applied set, and kubectl's last-applied annotation and Flux v1's
/// bookkeeping go. The apply that follows then owns those fields alone, so a field someone added with
/// <c>kubectl edit</c> is removed and a value changed with it is restored. Objects annotated
/// <c>kustomize.toolkit.fluxcd.io/ssa: Merge</c> keep what other managers set.
/// </summary>
public static class FieldTakeover
{
    private const string Apply = "Apply";
    private const string Update = "Update";

    private static readonly string[] Annotations =
    [
        "kubectl.kubernetes.io/last-applied-configuration",
        "kustomize.toolkit.fluxcd.io/checksum",
        "fluxcd.io/sync-checksum",
    ];

    private static readonly string[] Labels = ["fluxcd.io/sync-gc-mark"];

    /// <summary>A JSON merge patch that hands the live object's foreign fields to <paramref name="fieldManager"/>;
    /// null when there is nothing to reclaim or the object opts out. Repeating it is harmless.</summary>
    public static JsonObject? Patch(JsonObject live, JsonObject desired, string fieldManager)
    {
        if (IsMerge(desired) || IsMerge(live))
            return null;
        var metadata = new JsonObject();
        if (Removals(live, "annotations", Annotations) is { } annotations)
            metadata["annotations"] = annotations;
        if (Removals(live, "labels", Labels) is { } labels)
            metadata["labels"] = labels;
        if (Reclaimed(live["metadata"]?["managedFields"] as JsonArray, fieldManager) is { } managedFields)
            metadata["managedFields"] = managedFields;
        return metadata.Count == 0 ? null : new JsonObject { ["metadata"] = metadata };
    }

    private static bool IsMerge(JsonObject obj) => FluxMetadata.Has(obj, FluxMetadata.Ssa, "Merge");

    private static JsonObject? Removals(JsonObject live, string field, string[] keys)
    {
        if (live["metadata"]?[field] is not JsonObject present)
            return null;
        var removals = new JsonObject();
        foreach (var key in keys.Where(present.ContainsKey))
            removals[key] = null;
        return removals.Count == 0 ? null : removals;
    }

    private static bool IsForeign(JsonObject entry)
    {
        var manager = entry["manager"]?.GetValue<string>() ?? "";
        var operation = entry["operation"]?.GetValue<string>();
        if (entry["subresource"] is JsonValue subresource && subresource.GetValue<string>().Length > 0)
            return false;
        // Tide's own Update entries (e.g. finalizers it adds to Kustomizations it also applies) stay: unlike Flux,
        // Tide never wrote applied objects without server-side apply, so it has no such history to undo.
        return (manager.StartsWith("kubectl", StringComparison.Ordinal) && operation is Apply or Update)
            || (operation == Update && manager.StartsWith("before-first-apply", StringComparison.Ordinal));
    }

    /// <summary>The managedFields with every foreign entry folded into Tide's Apply entry of the same API version;
    /// null when no entry is foreign.</summary>
    private static JsonArray? Reclaimed(JsonArray? entries, string fieldManager)
    {
        if (entries is null || !entries.OfType<JsonObject>().Any(IsForeign))
            return null;
        var kept = new List<JsonObject>();
        var mine = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
        foreach (var entry in entries.OfType<JsonObject>())
        {
            var version = entry["apiVersion"]?.GetValue<string>() ?? "";
            var own = entry["manager"]?.GetValue<string>() == fieldManager && entry["operation"]?.GetValue<string>() == Apply
                && entry["subresource"] is null;
            if (!own && !IsForeign(entry))
            {
                kept.Add((JsonObject)entry.DeepClone());
                continue;
            }
            if (!mine.TryGetValue(version, out var target))
            {
                target = new JsonObject
                {
                    ["manager"] = fieldManager,
                    ["operation"] = Apply,
                    ["apiVersion"] = version,
                    ["time"] = entry["time"]?.DeepClone(),
                    ["fieldsType"] = "FieldsV1",
                    ["fieldsV1"] = new JsonObject(),
                };
                mine[version] = target;
                kept.Add(target);
            }
            if (entry["fieldsV1"] is JsonObject fields)
                Union((JsonObject)target["fieldsV1"]!, fields);
        }
        return new JsonArray([.. kept]);
    }

    /// <summary>FieldsV1 sets are trees of keys ending in empty objects: their union is the merge of the trees.</summary>
    private static void Union(JsonObject into, JsonObject from)
    {
        foreach (var (key, value) in from)
        {
            if (into[key] is JsonObject existing && value is JsonObject more)
                Union(existing, more);
            else if (!into.ContainsKey(key))
                into[key] = value?.DeepClone();
        }
    }
}
