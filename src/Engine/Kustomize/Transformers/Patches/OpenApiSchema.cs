using Tide.Engine.Kustomize.Yaml;

namespace Tide.Engine.Kustomize.Transformers.Patches;

/// <summary>
/// A kustomization's `openapi.path` schema: gives custom kinds Kubernetes-style list merging
/// (x-kubernetes-patch-strategy: merge, x-kubernetes-patch-merge-key) in strategic merge patches.
/// </summary>
public sealed class OpenApiSchema(YMapping definitions)
{
    public static OpenApiSchema Parse(string text, string source) =>
        new((YamlReader.ReadSingle(text, source) as YMapping)?.GetMapping("definitions") ?? new YMapping());

    /// <summary>The definition that declares this group/version/kind, if any.</summary>
    public YMapping? Find(Gvk gvk) =>
        definitions.Entries.Select(e => e.Value).OfType<YMapping>().FirstOrDefault(d =>
            d.GetSequence("x-kubernetes-group-version-kind")?.Items.OfType<YMapping>().Any(g =>
                (g.GetString("group") ?? "") == gvk.Group && g.GetString("version") == gvk.Version &&
                g.GetString("kind") == gvk.Kind) == true);

    /// <summary>The merge key of the list at path ("" for a merged set of scalars), or null when it is replaced.</summary>
    public string? MergeKey(YMapping root, string path)
    {
        var schema = root;
        foreach (var segment in path.Split('/'))
        {
            schema = Resolve(schema);
            if (schema?.GetString("type") == "array")
                schema = Resolve(schema.GetMapping("items"));
            schema = Resolve(schema?.GetMapping("properties")?.GetMapping(segment));
            if (schema is null)
                return null;
        }
        var strategy = schema.GetString("x-kubernetes-patch-strategy") ?? "";
        return strategy.Split(',').Contains("merge") ? schema.GetString("x-kubernetes-patch-merge-key") ?? "" : null;
    }

    private YMapping? Resolve(YMapping? schema)
    {
        for (var depth = 0; schema?.GetString("$ref") is { } reference && depth < 16; depth++)
            schema = definitions.GetMapping(reference[(reference.LastIndexOf('/') + 1)..]);
        return schema;
    }
}
