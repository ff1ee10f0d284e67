using Tide.Engine.Yaml;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Tide.Engine.Api;

/// <summary>
/// JSON as Kubernetes writes Flux's objects: camelCase names, unset (null) fields left out, durations as Go
/// strings, times as RFC 3339 seconds in UTC. Fields this version does not know are skipped when reading.
/// </summary>
public static class FluxJson
{
    public static JsonSerializerOptions Options { get; } = CreateOptions();

    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Options);

    public static T Deserialize<T>(string json) =>
        JsonSerializer.Deserialize<T>(json, Options) ?? throw new JsonException($"null is not a {typeof(T).Name}");

    public static JsonNode ToNode<T>(T value) =>
        JsonSerializer.SerializeToNode(value, Options) ?? throw new JsonException("value serialized to null");

    public static T FromNode<T>(JsonNode node) =>
        node.Deserialize<T>(Options) ?? throw new JsonException($"null is not a {typeof(T).Name}");

    /// <summary>Reads one YAML document (a manifest as users write it).</summary>
    public static T FromYaml<T>(string yaml) => FromNode<T>(YamlJson.Parse(yaml));

    public static string ToYaml<T>(T value) => YamlJson.Write(ToNode(value));

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions
        {
            PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            RespectNullableAnnotations = true,
        };
        options.Converters.Add(new KubeTimeJsonConverter());
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
