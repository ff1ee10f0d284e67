using System.Globalization;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;
using YamlDotNet.Serialization;

namespace Tide.Engine.Yaml;

/// <summary>
/// YAML to JSON and back, resolving plain scalars the way Kubernetes' YAML reader does (true/false, null, integers,
/// floats); quoted scalars stay strings.
/// </summary>
public static class YamlJson
{
    private static readonly ISerializer Serializer = new SerializerBuilder()
        .WithQuotingNecessaryStrings()
        .DisableAliases()
        .Build();

    /// <summary>Parses a single YAML document.</summary>
    public static JsonNode Parse(string yaml)
    {
        var documents = ParseAll(yaml);
        return documents.Count == 1
            ? documents[0]
            : throw new FormatException($"expected one YAML document, found {documents.Count}");
    }

    /// <summary>Parses every non-empty document of a YAML stream, bounded as go-yaml bounds it (depth, aliases).</summary>
    public static IReadOnlyList<JsonNode> ParseAll(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new Kustomize.Yaml.BoundedParser(yaml));
        return stream.Documents
            .Select(d => ToNode(d.RootNode))
            .OfType<JsonNode>()
            .ToList();
    }

    public static string Write(JsonNode node) => Serializer.Serialize(ToPlain(node));

    private static JsonNode? ToNode(YamlNode node) => node switch
    {
        YamlMappingNode mapping => new JsonObject(mapping.Children.Select(kv =>
            KeyValuePair.Create(((YamlScalarNode)kv.Key).Value ?? "", ToNode(kv.Value)))),
        YamlSequenceNode sequence => new JsonArray(sequence.Children.Select(ToNode).ToArray()),
        YamlScalarNode scalar => ToScalar(scalar),
        _ => throw new FormatException($"unsupported YAML node at {node.Start}"),
    };

    private static JsonNode? ToScalar(YamlScalarNode scalar)
    {
        var value = scalar.Value ?? "";
        var explicitTag = !scalar.Tag.IsEmpty && !scalar.Tag.IsNonSpecific;
        if (explicitTag && scalar.Tag.Value == "tag:yaml.org,2002:null")
            return null;
        if (scalar.Style != ScalarStyle.Plain || explicitTag)
            return JsonValue.Create(value);
        switch (value)
        {
            case "" or "~" or "null" or "Null" or "NULL":
                return null;
            case "true" or "True" or "TRUE":
                return JsonValue.Create(true);
            case "false" or "False" or "FALSE":
                return JsonValue.Create(false);
        }
        if (long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer))
            return JsonValue.Create(integer);
        if (value.StartsWith("0x", StringComparison.Ordinal) &&
            long.TryParse(value[2..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var hex))
            return JsonValue.Create(hex);
        if (value.Any(char.IsAsciiDigit) && !value.Contains('_') &&
            double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var real))
            return JsonValue.Create(real);
        return JsonValue.Create(value);
    }

    private static object Number(string json) =>
        long.TryParse(json, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer)
            ? integer
            : double.Parse(json, NumberStyles.Float, CultureInfo.InvariantCulture);

    private static object? ToPlain(JsonNode? node) => node switch
    {
        null => null,
        JsonObject obj => obj.ToDictionary(kv => kv.Key, kv => ToPlain(kv.Value)),
        JsonArray array => array.Select(ToPlain).ToList(),
        JsonValue value => value.GetValueKind() switch
        {
            System.Text.Json.JsonValueKind.String => value.GetValue<string>(),
            System.Text.Json.JsonValueKind.True => true,
            System.Text.Json.JsonValueKind.False => false,
            System.Text.Json.JsonValueKind.Number => Number(value.ToJsonString()),
            _ => null,
        },
        _ => null,
    };
}
