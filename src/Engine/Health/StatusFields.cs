using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Tide.Engine.Health;

/// <summary>Reads fields of an object as the API server returns it, with kstatus's defaults for absent fields.</summary>
internal static class StatusFields
{
    public static JsonNode? At(this JsonObject obj, params string[] path)
    {
        JsonNode? node = obj;
        foreach (var key in path)
        {
            node = node is JsonObject o ? o[key] : null;
            if (node is null) return null;
        }
        return node;
    }

    public static long Int(this JsonObject obj, long fallback, params string[] path) => obj.IntOrNull(path) ?? fallback;

    // Parsed values hold a JsonElement, values set in code hold an int or a long: their JSON text reads the same.
    public static long? IntOrNull(this JsonObject obj, params string[] path) =>
        obj.At(path) is JsonValue v && v.GetValueKind() == JsonValueKind.Number
        && long.TryParse(v.ToJsonString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n)
            ? n
            : null;

    public static string Str(this JsonObject obj, string fallback, params string[] path) =>
        obj.At(path) is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : fallback;

    /// <summary>status.conditions as (type, status, reason, message); entries without a type are skipped.</summary>
    public static IEnumerable<StatusCondition> Conditions(this JsonObject obj)
    {
        if (obj.At("status", "conditions") is not JsonArray conditions) yield break;
        foreach (var c in conditions.OfType<JsonObject>())
        {
            var type = c.Str("", "type");
            if (type.Length == 0) continue;
            yield return new StatusCondition(type, c.Str("", "status"), c.Str("", "reason"), c.Str("", "message"));
        }
    }

    public static StatusCondition? Condition(this JsonObject obj, string type) =>
        obj.Conditions().FirstOrDefault(c => c.Type == type);
}

internal sealed record StatusCondition(string Type, string Status, string Reason, string Message)
{
    public bool IsTrue => Status == "True";

    public bool IsFalse => Status == "False";
}
