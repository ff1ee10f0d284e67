using System.Text.Json.Nodes;

namespace Tide.ApiServer.Patching;

/// <summary>Reading and writing an object's metadata.managedFields.</summary>
internal static class ManagedFields
{
    /// <summary>The entries of <paramref name="obj"/>; null when it has none or they cannot be read (Kubernetes then
    /// starts over rather than failing the write).</summary>
    public static List<ManagedFieldsEntry>? Read(JsonObject? obj)
    {
        if (obj?["metadata"]?["managedFields"] is not JsonArray { Count: > 0 } entries)
            return null;
        try
        {
            return [.. entries.Select(entry => ManagedFieldsEntry.Parse(entry as JsonObject ?? throw new FormatException("entry is not an object")))];
        }
        catch (Exception error) when (error is FormatException or InvalidOperationException or System.Text.Json.JsonException)
        {
            return null;
        }
    }

    /// <summary>True when a write asks to clear managedFields: Kubernetes' convention is a list holding one empty entry.</summary>
    public static bool IsReset(JsonObject obj) =>
        obj["metadata"]?["managedFields"] is JsonArray { Count: 1 } entries && entries[0] is JsonObject { Count: 0 };

    /// <summary>Kubernetes keeps at most this many Update entries; older ones are folded into "ancient-changes".</summary>
    private const int MaxUpdateEntries = 10;

    /// <summary>Writes the non-empty entries, ordered as Kubernetes orders them (operation, time, manager, version,
    /// subresource), or removes managedFields when none is left.</summary>
    public static void Write(JsonObject obj, IEnumerable<ManagedFieldsEntry> entries)
    {
        var ordered = CapUpdates([.. entries.Where(entry => !entry.Fields.IsEmpty)])
            .OrderBy(entry => entry.Operation, StringComparer.Ordinal)
            .ThenBy(entry => entry.Time ?? "", StringComparer.Ordinal)
            .ThenBy(entry => entry.Manager, StringComparer.Ordinal)
            .ThenBy(entry => entry.ApiVersion ?? "", StringComparer.Ordinal)
            .ThenBy(entry => entry.Subresource ?? "", StringComparer.Ordinal)
            .Select(entry => (JsonNode)entry.ToJson())
            .ToArray();
        if (obj["metadata"] is not JsonObject metadata)
            obj["metadata"] = metadata = [];
        if (ordered.Length == 0)
            metadata.Remove("managedFields");
        else
            metadata["managedFields"] = new JsonArray(ordered);
    }

    /// <summary>Kubernetes' cap on Update entries: while there are too many, the oldest are merged, per API version,
    /// into an "ancient-changes" entry (the first of a version waits for a second one before a bucket is made).</summary>
    private static List<ManagedFieldsEntry> CapUpdates(List<ManagedFieldsEntry> entries)
    {
        var updates = entries.Where(entry => entry.Operation == ManagedFieldsEntry.Update)
            .OrderBy(entry => entry.Time ?? "", StringComparer.Ordinal)
            .ThenBy(entry => entry.Manager, StringComparer.Ordinal)
            .ToList();
        var count = updates.Count;
        var firstOfVersion = new Dictionary<string, ManagedFieldsEntry>(StringComparer.Ordinal);
        for (var i = 0; i < updates.Count && count > MaxUpdateEntries; i++)
        {
            var entry = updates[i];
            var version = entry.ApiVersion ?? "";
            if (!firstOfVersion.TryGetValue(version, out var first))
            {
                firstOfVersion[version] = entry;
                continue;
            }
            var bucket = entries.FirstOrDefault(e => e.Identity == ("ancient-changes", ManagedFieldsEntry.Update, entry.ApiVersion, null));
            if (bucket is null)
            {
                entries.Remove(first);
                bucket = first with { Manager = "ancient-changes", Subresource = null };
            }
            else
                entries.Remove(bucket);
            entries.Remove(entry);
            entries.Add(bucket with { Fields = entry.Fields.Union(bucket.Fields), Time = entry.Time });
            count--;
        }
        return entries;
    }
}
