using System.Globalization;
using System.Text;

namespace Tide.Engine.Kustomize.Yaml;

/// <summary>
/// Go's encoding/json output for a node: map keys sorted, no spaces, and Go's escaping (&lt; &gt; &amp; as \u003c...,
/// non-ASCII kept). kustomize hashes generated ConfigMaps and Secrets over this text.
/// </summary>
public static class GoJson
{
    public static void Write(YNode node, StringBuilder sb)
    {
        switch (node)
        {
            case YMapping m:
                sb.Append('{');
                var first = true;
                foreach (var e in m.Entries.OrderBy(e => e.Key, StringComparer.Ordinal))
                {
                    if (!first) sb.Append(',');
                    first = false;
                    WriteString(e.Key, sb);
                    sb.Append(':');
                    Write(e.Value, sb);
                }
                sb.Append('}');
                break;
            case YSequence s:
                sb.Append('[');
                for (var i = 0; i < s.Items.Count; i++)
                {
                    if (i > 0) sb.Append(',');
                    Write(s.Items[i], sb);
                }
                sb.Append(']');
                break;
            case YScalar scalar:
                var r = ScalarResolver.Resolve(scalar);
                if (r.Kind == ScalarKind.String)
                    WriteString(r.Text, sb);
                else
                    sb.Append(r.Text);
                break;
        }
    }

    public static void WriteString(string s, StringBuilder sb)
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
                case '<' or '>' or '&' or '\u2028' or '\u2029':
                    sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    break;
                case < ' ':
                    sb.Append("\\u00").Append(((int)c).ToString("x2", CultureInfo.InvariantCulture));
                    break;
                default: sb.Append(c); break;
            }
        }
        sb.Append('"');
    }
}
