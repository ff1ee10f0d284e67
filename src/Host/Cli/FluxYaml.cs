using System.Text.Json;
using System.Text.Json.Nodes;
using Tide.Engine.Helm.Yaml;

namespace Tide.Host.Cli;

/// <summary>
/// Objects as flux prints them for `export` and `create --export`: `---`, then sigs.k8s.io/yaml's rendering (keys
/// sorted, go-yaml v2 quoting), with only apiVersion, kind, name, namespace, labels, annotations and spec.
/// </summary>
public static class FluxYaml
{
    private static readonly string[] TransientAnnotations =
        [FluxObjects.RequestedAtAnnotation, "kubectl.kubernetes.io/last-applied-configuration"];

    public static string Export(JsonObject obj)
    {
        var metadata = new JsonObject
        {
            ["name"] = obj["metadata"]?["name"]?.DeepClone(),
            ["namespace"] = obj["metadata"]?["namespace"]?.DeepClone(),
        };
        foreach (var key in new[] { "labels", "annotations" })
        {
            if (obj["metadata"]?[key]?.DeepClone() is not JsonObject map)
                continue;
            // What a tool wrote for its own bookkeeping does not belong in Git.
            foreach (var transient in TransientAnnotations)
                map.Remove(transient);
            if (map.Count > 0)
                metadata[key] = map;
        }
        var export = new JsonObject
        {
            ["apiVersion"] = obj["apiVersion"]?.DeepClone(),
            ["kind"] = obj["kind"]?.DeepClone(),
            ["metadata"] = metadata,
        };
        if (obj["spec"] is { } spec)
            export["spec"] = spec.DeepClone();
        if (obj["data"] is { } data)
            export["data"] = data.DeepClone();
        if (obj["stringData"] is { } stringData)
            export["stringData"] = stringData.DeepClone();
        if (obj["type"] is { } type)
            export["type"] = type.DeepClone();
        return Document(export);
    }

    /// <summary>One document of a stream: `---` and the object as sigs.k8s.io/yaml writes it.</summary>
    public static string Document(JsonNode node) => "---\n" + GoYaml.ToYaml(Plain(node)) + "\n";

    /// <summary>The JSON-normalised values GoYaml emits: dictionaries, lists, strings, longs, doubles, bools.</summary>
    public static object? Plain(JsonNode? node) => node switch
    {
        null => null,
        JsonObject o => o.ToDictionary(kv => kv.Key, kv => Plain(kv.Value)),
        JsonArray a => a.Select(Plain).ToList(),
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.String => v.GetValue<string>(),
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.Number => v.TryGetValue<long>(out var l) ? l : v.GetValue<double>(),
            _ => null,
        },
        _ => null,
    };
}
