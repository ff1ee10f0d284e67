using System.Text;
using Tide.Engine.GoCompat;

namespace Tide.Engine.Kustomize.Yaml;

/// <summary>
/// Go's encoding/json output for a node: map keys sorted, no spaces, strings escaped as Go does
/// (<see cref="GoJsonString"/>). kustomize hashes generated ConfigMaps and Secrets over this text.
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

    public static void WriteString(string s, StringBuilder sb) => GoJsonString.Write(sb, s);
}
