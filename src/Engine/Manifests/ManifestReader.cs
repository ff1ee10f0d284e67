using Tide.Engine.Yaml;
using System.Text.Json.Nodes;
using YamlDotNet.Core;

namespace Tide.Engine.Manifests;

/// <summary>
/// Reads Kubernetes objects from YAML: multi-document files and <c>kind: List</c>; every object must have apiVersion,
/// kind and metadata.name. Errors name the file.
/// </summary>
public static class ManifestReader
{
    public static IReadOnlyList<JsonObject> Read(string yaml, string displayName)
    {
        IReadOnlyList<JsonNode?> documents;
        try
        {
            documents = YamlJson.ParseAll(yaml);
        }
        catch (YamlException e)
        {
            throw new ManifestException($"{displayName}: invalid YAML at line {e.Start.Line}, column {e.Start.Column}: {e.InnerException?.Message ?? e.Message}", e);
        }
        var objects = new List<JsonObject>();
        foreach (var document in documents)
        {
            if (document is not JsonObject obj)
                throw new ManifestException($"{displayName}: a document is not a mapping (an object with apiVersion and kind)");
            if (obj["kind"]?.GetValue<string>() == "List" && obj["items"] is JsonArray items)
                objects.AddRange(items.Select(i => Validate((i as JsonObject)?.DeepClone() as JsonObject, displayName)));
            else
                objects.Add(Validate(obj, displayName));
        }
        return objects;
    }

    private static JsonObject Validate(JsonObject? obj, string displayName)
    {
        if (obj is null)
            throw new ManifestException($"{displayName}: a list item is not an object");
        string? Text(JsonNode? n) => n is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
        if (string.IsNullOrEmpty(Text(obj["apiVersion"])) || string.IsNullOrEmpty(Text(obj["kind"])))
            throw new ManifestException($"{displayName}: an object has no apiVersion or kind");
        if (string.IsNullOrEmpty(Text(obj["metadata"]?["name"])))
            throw new ManifestException($"{displayName}: {Text(obj["kind"])} has no metadata.name");
        return obj;
    }
}
