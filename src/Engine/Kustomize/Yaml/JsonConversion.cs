using System.Globalization;
using System.Text.Json.Nodes;

namespace Tide.Engine.Kustomize.Yaml;

/// <summary>Converts nodes to System.Text.Json with kustomize's scalar typing.</summary>
public static class JsonConversion
{
    public static JsonNode? ToJson(YNode node)
    {
        switch (node)
        {
            case YMapping m:
                var obj = new JsonObject();
                foreach (var e in m.Entries)
                    obj[e.Key] = ToJson(e.Value);
                return obj;
            case YSequence s:
                var arr = new JsonArray();
                foreach (var i in s.Items)
                    arr.Add(ToJson(i));
                return arr;
            case YScalar scalar:
                var r = ScalarResolver.Resolve(scalar);
                return r.Kind switch
                {
                    ScalarKind.Null => null,
                    ScalarKind.Bool => JsonValue.Create(r.Text == "true"),
                    ScalarKind.Int when long.TryParse(r.Text, CultureInfo.InvariantCulture, out var l) => JsonValue.Create(l),
                    ScalarKind.Int or ScalarKind.Float => JsonValue.Create(double.Parse(r.Text, CultureInfo.InvariantCulture)),
                    _ => JsonValue.Create(r.Text),
                };
            default:
                return null;
        }
    }
}
