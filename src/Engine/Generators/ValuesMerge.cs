using System.Text.Json.Nodes;
using YamlDotNet.Core;
using Tide.Engine.Yaml;

namespace Tide.Engine.Generators;

/// <summary>
/// The Merge copy strategy: both files' YAML documents are folded into one map each, and the source's map is merged
/// into the destination's as Helm merges values files (maps merge key by key, recursively; anything else, arrays
/// included, is replaced). The result is written with keys sorted, as sigs.k8s.io/yaml writes a Go map.
/// </summary>
internal static class ValuesMerge
{
    public static string Merge(string destination, string source)
    {
        var merged = MergeMaps(Load(destination, "destination"), Load(source, "source"));
        return YamlJson.Write(Sorted(merged)!);
    }

    private static JsonObject Load(string yaml, string which)
    {
        IReadOnlyList<JsonNode> documents;
        try
        {
            documents = YamlJson.ParseAll(yaml);
        }
        catch (Exception e) when (e is YamlException or FormatException)
        {
            throw new CopyFailedException($"cannot unmarshal YAML document ({which}): {e.Message}", e);
        }
        var result = new JsonObject();
        foreach (var document in documents)
        {
            if (document is not JsonObject map)
                throw new CopyFailedException($"cannot unmarshal YAML document ({which}): not a map");
            result = MergeMaps(result, map);
        }
        return result;
    }

    private static JsonObject MergeMaps(JsonObject @base, JsonObject overlay)
    {
        var result = (JsonObject)@base.DeepClone();
        foreach (var (key, value) in overlay)
        {
            if (value is JsonObject map && result[key] is JsonObject existing)
                result[key] = MergeMaps(existing, map);
            else
                result[key] = value?.DeepClone();
        }
        return result;
    }

    private static JsonNode? Sorted(JsonNode? node) => node switch
    {
        JsonObject map => new JsonObject(map.OrderBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => KeyValuePair.Create(kv.Key, Sorted(kv.Value)))),
        JsonArray list => new JsonArray(list.Select(Sorted).ToArray()),
        _ => node?.DeepClone(),
    };
}
