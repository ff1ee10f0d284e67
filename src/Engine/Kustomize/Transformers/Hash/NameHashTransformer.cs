using System.Security.Cryptography;
using System.Text;
using Tide.Engine.Kustomize.Yaml;

namespace Tide.Engine.Kustomize.Transformers.Hash;

/// <summary>Appends kustomize's content hash to the names of generated ConfigMaps and Secrets.</summary>
public sealed class NameHashTransformer : ITransformer
{
    public void Transform(ResourceMap resources)
    {
        foreach (var r in resources.Resources)
        {
            if (!r.NeedsHashSuffix)
                continue;
            var hash = Hash(r);
            r.StorePreviousId();
            r.SetName(r.Name + "-" + hash);
        }
    }

    /// <summary>The 10-character suffix: sha256 over the Go-JSON encoding of kind, data (and type), hex, with 0,1,3,a,e remapped.</summary>
    public static string Hash(Resource r)
    {
        var sb = new StringBuilder();
        var node = r.Node;
        switch (r.Kind)
        {
            case "ConfigMap":
                sb.Append('{');
                if (node["binaryData"] is YMapping binary)
                {
                    sb.Append("\"binaryData\":");
                    GoJson.Write(binary, sb);
                    sb.Append(',');
                }
                sb.Append("\"data\":");
                WriteOrEmpty(node["data"], sb);
                // kustomize looks the name up as one field called "metadata/name", finds nothing, and hashes "".
                sb.Append(",\"kind\":\"ConfigMap\",\"name\":\"\"}");
                break;
            case "Secret":
                sb.Append("{\"data\":");
                WriteOrEmpty(node["data"], sb);
                sb.Append(",\"kind\":\"Secret\",\"name\":\"\"");
                if (node["stringData"] is YMapping stringData)
                {
                    sb.Append(",\"stringData\":");
                    GoJson.Write(stringData, sb);
                }
                sb.Append(",\"type\":");
                if (node["type"] is YScalar { IsNull: false } type)
                    GoJson.WriteString(type.Value, sb);
                else
                    sb.Append("\"\"");
                sb.Append('}');
                break;
            default:
                GoJson.Write(node, sb);
                break;
        }
        var hex = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sb.ToString())));
        return new string(hex[..10].Select(c => c switch
        {
            '0' => 'g', '1' => 'h', '3' => 'k', 'a' => 'm', 'e' => 't', _ => c,
        }).ToArray());
    }

    private static void WriteOrEmpty(YNode? node, StringBuilder sb)
    {
        if (node is null or YScalar { IsNull: true })
            sb.Append("\"\"");
        else if (node is YScalar s)
            GoJson.WriteString(s.Value, sb);
        else
            GoJson.Write(node, sb);
    }
}
