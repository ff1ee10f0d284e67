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
            default:
                if (node.GetValueKind() == JsonValueKind.String)
                    WriteString(node.GetValue<string>(), builder);
                else
                    builder.Append(node.ToJsonString());
                break;
        }
    }

    private static void WriteString(string text, StringBuilder builder)
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
