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

    /// <summary>Writes the non-empty entries, ordered as Kubernetes orders them (operation, time, manager, version,
    /// subresource), or removes managedFields when none is left.</summary>
    public static void Write(JsonObject obj, IEnumerable<ManagedFieldsEntry> entries)
    {
        var ordered = entries
            .Where(entry => !entry.Fields.IsEmpty)
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
}
