using Tide.Engine.Kustomize.FieldSpecs;
using Tide.Engine.Kustomize.Yaml;

namespace Tide.Engine.Kustomize.Build;

/// <summary>
/// `crds:` files: OpenAPI definitions (type name -> {Schema, Dependencies}) whose properties carry kustomize's
/// extensions: x-kubernetes-object-ref-kind/-api-version/-name-key (a name reference), x-kubernetes-label-selector
/// (gets common labels), x-kubernetes-annotation (gets common annotations), x-kubernetes-identity (gets the prefix).
/// </summary>
public static class CrdConfig
{
    public static TransformerConfig Load(KustomizationLoader loader, string path)
    {
        var config = TransformerConfig.Empty();
        if (YamlReader.ReadSingle(loader.LoadText(path), path) is not YMapping definitions)
            return config;
        foreach (var (typeName, definition) in definitions.Entries)
        {
            var props = Properties(definition);
            if (props?["kind"] is null || props["apiVersion"] is null || props["metadata"] is null)
                continue;
            var kind = typeName[(typeName.LastIndexOf('.') + 1)..];
            Load(config, new Gvk("", "", kind), definitions, typeName, [], 0);
        }
        return config;
    }

    private static YMapping? Properties(YNode? definition) =>
        (definition as YMapping)?.GetMapping("Schema")?.GetMapping("properties");

    private static void Load(TransformerConfig config, Gvk gvk, YMapping definitions, string typeName, List<string> path, int depth)
    {
        if (depth > 32 || Properties(definitions[typeName]) is not { } props)
            return;
        foreach (var (name, value) in props.Entries)
        {
            if (value is not YMapping property)
                continue;
            var fieldPath = string.Join('/', path.Append(name));
            var spec = new FieldSpec(gvk, fieldPath, false);
            var other = TransformerConfig.Empty();
            if (property["x-kubernetes-annotation"] is not null)
                other.CommonAnnotations.Add(spec);
            if (property["x-kubernetes-label-selector"] is not null)
                other.CommonLabels.Add(spec);
            if (property["x-kubernetes-identity"] is not null)
                other.NamePrefix.Add(spec);
            if (property.GetString("x-kubernetes-object-ref-api-version") is { } version &&
                property.GetString("x-kubernetes-object-ref-kind") is { } refKind)
            {
                var nameKey = property.GetString("x-kubernetes-object-ref-name-key") ?? "name";
                other.NameReference.Add(new NameBackReference(new Gvk("", version, refKind),
                    [new FieldSpec(gvk, fieldPath + "/" + nameKey, false)]));
            }
            config.Merge(other);
            if (property.GetString("$ref") is { } reference)
                Load(config, gvk, definitions, reference, [.. path, name], depth + 1);
        }
    }
}
