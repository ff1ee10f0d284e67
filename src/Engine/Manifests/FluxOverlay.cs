using System.Text.Json.Nodes;
using Tide.Engine.Api;
using Tide.Engine.Kustomize;

namespace Tide.Engine.Manifests;

/// <summary>
/// What a Flux Kustomization adds on top of the kustomization in its path (Flux's generated kustomization):
/// targetNamespace, namePrefix/nameSuffix, commonMetadata, images, patches and components.
/// </summary>
public sealed record FluxOverlay
{
    public string? Namespace { get; init; }
    public string? NamePrefix { get; init; }
    public string? NameSuffix { get; init; }
    public CommonMetadata? CommonMetadata { get; init; }
    public IReadOnlyList<KustomizeImage> Images { get; init; } = [];
    public IReadOnlyList<KustomizePatch> Patches { get; init; } = [];
    public IReadOnlyList<string> Components { get; init; } = [];
    public bool IgnoreMissingComponents { get; init; }

    public static FluxOverlay From(KustomizationSpec spec) => new()
    {
        Namespace = spec.TargetNamespace,
        NamePrefix = spec.NamePrefix,
        NameSuffix = spec.NameSuffix,
        CommonMetadata = spec.CommonMetadata,
        Images = spec.Images ?? [],
        Patches = spec.Patches ?? [],
        Components = spec.Components ?? [],
        IgnoreMissingComponents = spec.IgnoreMissingComponents == true,
    };

    public bool IsEmpty =>
        string.IsNullOrEmpty(Namespace) && string.IsNullOrEmpty(NamePrefix) && string.IsNullOrEmpty(NameSuffix) &&
        CommonMetadata is null && Images.Count == 0 && Patches.Count == 0 && Components.Count == 0;

    /// <summary>Adds this overlay to a kustomization (as a JSON object of its YAML), as Flux's generator does.</summary>
    /// <param name="directory">The normalized directory of the kustomization in <paramref name="files"/>, where
    /// components are looked up.</param>
    public void ApplyTo(JsonObject kustomization, IFileTree files, string directory)
    {
        if (!string.IsNullOrEmpty(Namespace))
            kustomization["namespace"] = Namespace;
        if (!string.IsNullOrEmpty(NamePrefix))
            kustomization["namePrefix"] = NamePrefix;
        if (!string.IsNullOrEmpty(NameSuffix))
            kustomization["nameSuffix"] = NameSuffix;
        if (CommonMetadata?.Labels is { Count: > 0 } labels)
            Append(kustomization, "labels", new JsonObject
            {
                ["pairs"] = Map(labels),
                ["includeSelectors"] = false,
                ["includeTemplates"] = false,
            });
        if (CommonMetadata?.Annotations is { Count: > 0 } annotations)
        {
            var common = kustomization["commonAnnotations"] as JsonObject ?? new JsonObject();
            foreach (var (key, value) in annotations)
                common[key] = value;
            kustomization["commonAnnotations"] = common;
        }
        foreach (var image in Images)
            Append(kustomization, "images", FluxJson.ToNode(image));
        foreach (var patch in Patches)
            Append(kustomization, "patches", FluxJson.ToNode(patch));
        foreach (var component in Components)
        {
            if (IgnoreMissingComponents && !files.DirectoryExists(files.Normalize(FileTrees.Combine(directory, component))))
                continue;
            Append(kustomization, "components", JsonValue.Create(component));
        }
    }

    private static JsonObject Map(IReadOnlyDictionary<string, string> values) =>
        new(values.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)JsonValue.Create(kv.Value))));

    private static void Append(JsonObject kustomization, string field, JsonNode item)
    {
        if (kustomization[field] is not JsonArray list)
            kustomization[field] = list = [];
        list.Add(item);
    }
}
