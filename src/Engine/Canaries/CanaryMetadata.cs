using System.Text.Json.Nodes;

namespace Tide.Engine.Canaries;

/// <summary>Labels, annotations and owner references of the objects a Canary generates, as Flagger writes them:
/// Flux's toolkit labels and annotations are never copied (the generated objects belong to the Canary, not to the
/// Kustomization that applied the target).</summary>
public static class CanaryMetadata
{
    private const string ToolkitMarker = "toolkit.fluxcd.io";

    public static JsonObject WithoutToolkit(JsonObject? values)
    {
        var result = new JsonObject();
        foreach (var (key, value) in values ?? [])
            if (!key.Contains(ToolkitMarker, StringComparison.Ordinal))
                result[key] = value?.DeepClone();
        return result;
    }

    public static JsonObject WithoutToolkit(IReadOnlyDictionary<string, string>? values) =>
        WithoutToolkit(values is null ? null : new JsonObject(values.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value))));

    /// <summary><paramref name="labels"/> without Flux's, with <paramref name="label"/> set to <paramref name="value"/>
    /// (Flagger's makePrimaryLabels).</summary>
    public static JsonObject WithLabel(JsonObject? labels, string label, string value)
    {
        var result = WithoutToolkit(labels);
        result[label] = value;
        return result;
    }

    /// <summary>A controller reference to the Canary (so deleting it deletes what it generated).</summary>
    public static JsonObject OwnerReference(JsonObject canary) => new()
    {
        ["apiVersion"] = (string?)canary["apiVersion"],
        ["kind"] = (string?)canary["kind"],
        ["name"] = (string?)canary["metadata"]?["name"],
        ["uid"] = (string?)canary["metadata"]?["uid"],
        ["controller"] = true,
        ["blockOwnerDeletion"] = true,
    };
}
