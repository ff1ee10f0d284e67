using System.Globalization;
using System.Text;

namespace Tide.Engine.GoCompat;

/// <summary>
/// A string as Go's encoding/json writes it (Go 1.22 and later): quotes, backslash and the short escapes \n \r \t \b
/// \f; other control characters as \u00XX; U+2028 and U+2029 escaped; &lt; &gt; &amp; as \u003c \u003e \u0026 unless
/// HTML escaping is off (json.Encoder.SetEscapeHTML(false)); everything else, non-ASCII included, as is. kustomize
/// hashes generated ConfigMaps and Secrets over this text; Helm's toJson and friends print it.
/// </summary>
internal static class GoJsonString
{
    public static void Write(StringBuilder sb, string s, bool escapeHtml = true)
    {
        sb.Append('"');
        foreach (var c in s)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case '\b': sb.Append("\\b"); break;
                case '\f': sb.Append("\\f"); break;
                case '<' or '>' or '&' when escapeHtml:
                    sb.Append("\\u00").Append(((int)c).ToString("x2", CultureInfo.InvariantCulture));
                    break;
                case '\u2028': sb.Append("\\u2028"); break;
                case '\u2029': sb.Append("\\u2029"); break;
                case < ' ':
                    sb.Append("\\u00").Append(((int)c).ToString("x2", CultureInfo.InvariantCulture));
                    break;
                default: sb.Append(c); break;
            }
        }
        sb.Append('"');
    }
}
