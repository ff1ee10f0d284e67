using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Tide.Engine.Expressions;

/// <summary>JSON in the shape the CEL library reads: maps, lists and primitives.</summary>
public static class CelJson
{
    public static object? From(JsonNode? node) => node switch
    {
        JsonObject o => o.ToDictionary(p => p.Key, p => From(p.Value)),
        JsonArray a => a.Select(From).ToList(),
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.String => v.GetValue<string>(),
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.Number => Number(v.ToJsonString()),
            _ => null,
        },
        _ => null,
    };

    // CEL keeps int and double apart: integral JSON numbers become int, others double.
    private static object Number(string text) =>
        long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer)
            ? integer
            : double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
}
