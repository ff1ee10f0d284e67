using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Tide.ApiServer.Patching;

/// <summary>Compact JSON as Go's encoding/json writes it (object keys sorted, &lt; &gt; &amp; U+2028 U+2029 escaped,
/// other non-ASCII left as is), so that FieldsV1 keys such as <c>k:{"name":"a"}</c> are byte-identical to Kubernetes'.</summary>
internal static class GoJson
{
    public static string Write(JsonNode? node)
    {
        var builder = new StringBuilder();
        Write(node, builder);
        return builder.ToString();
    }

    public static void Write(JsonNode? node, StringBuilder builder)
    {
        switch (node)
        {
            case null:
                builder.Append("null");
                break;
            case JsonObject obj:
                builder.Append('{');
                var first = true;
                foreach (var (key, value) in obj.OrderBy(member => member.Key, StringComparer.Ordinal))
                {
                    if (!first)
                        builder.Append(',');
                    first = false;
                    WriteString(key, builder);
                    builder.Append(':');
                    Write(value, builder);
                }
                builder.Append('}');
                break;
            case JsonArray array:
                builder.Append('[');
                for (var i = 0; i < array.Count; i++)
                {
                    if (i > 0)
                        builder.Append(',');
                    Write(array[i], builder);
                }
                builder.Append(']');
                break;
            case JsonValue value:
                WriteScalar(value, builder);
                break;
        }
    }

    /// <summary>Scalars are written from what backs them (parsed JSON or a CLR value) without serializing the node,
    /// which matters because every keyed list item is named this way many times per write.</summary>
    private static void WriteScalar(JsonValue value, StringBuilder builder)
    {
        if (value.TryGetValue(out JsonElement element))
        {
            switch (element.ValueKind)
            {
                case JsonValueKind.String:
                    WriteString(element.GetString()!, builder);
                    return;
                case JsonValueKind.Number:
                    builder.Append(element.GetRawText());
                    return;
                case JsonValueKind.True or JsonValueKind.False or JsonValueKind.Null:
                    builder.Append(element.GetRawText());
                    return;
            }
        }
        if (value.TryGetValue(out string? text))
            WriteString(text, builder);
        else
            builder.Append(value.ToJsonString());
    }

    public static void WriteString(string text, StringBuilder builder)
    {
        builder.Append('"');
        foreach (var c in text)
        {
            switch (c)
            {
                case '"': builder.Append("\\\""); break;
                case '\\': builder.Append("\\\\"); break;
                case '\n': builder.Append("\\n"); break;
                case '\r': builder.Append("\\r"); break;
                case '\t': builder.Append("\\t"); break;
                case < ' ' or '<' or '>' or '&' or '\u2028' or '\u2029':
                    builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    break;
                default: builder.Append(c); break;
            }
        }
        builder.Append('"');
    }
}
