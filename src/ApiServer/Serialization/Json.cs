using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Tide.ApiServer.Serialization;

/// <summary>JSON in and out without reflection: objects live as JsonObject and are stored as UTF-8 bytes.</summary>
internal static class Json
{
    public static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static byte[] ToUtf8(JsonNode node)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions)) node.WriteTo(writer);
        return buffer.WrittenSpan.ToArray();
    }

    public static JsonObject ParseObject(ReadOnlySpan<byte> utf8) =>
        JsonNode.Parse(utf8) as JsonObject ?? throw new JsonException("expected a JSON object");

    public static string? Str(this JsonNode? node, string property) =>
        node is JsonObject o && o[property] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    public static JsonObject Obj(this JsonObject node, string property)
    {
        if (node[property] is JsonObject existing) return existing;
        var created = new JsonObject();
        node[property] = created;
        return created;
    }

    public static JsonObject Metadata(this JsonObject node) => node.Obj("metadata");

    /// <summary>Structural equality that ignores key order (JsonNode.DeepEquals compares objects by key).</summary>
    public static bool Same(JsonNode? a, JsonNode? b) => JsonNode.DeepEquals(a, b);
}
