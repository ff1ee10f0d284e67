using Tide.Engine.Kustomize.FieldSpecs;
using Tide.Engine.Kustomize.Yaml;

namespace Tide.Engine.Kustomize.Build;

/// <summary>
/// `crds:` files (OpenAPI definitions): a property annotated with x-kubernetes-object-ref-kind and
/// x-kubernetes-object-ref-name-key becomes a name reference from the custom kind to that kind.
/// </summary>
public static class CrdConfig
{
    public static TransformerConfig Load(KustomizationLoader loader, string path)
    {
        var config = TransformerConfig.Empty();
        if (YamlReader.ReadSingle(loader.LoadText(path), path) is not YMapping root)
            return config;
        var definitions = root.GetMapping("definitions") ?? root;
        foreach (var (defName, def) in definitions.Entries)
        {
            if (def is not YMapping defMap)
                continue;
            var kind = defName[(defName.LastIndexOf('.') + 1)..];
            Walk(defMap, definitions, "", kind, config, 0);
        }
        return config;
    }

    private static void Walk(YMapping schema, YMapping definitions, string path, string kind, TransformerConfig config, int depth)
    {
        if (depth > 20 || schema.GetMapping("properties") is not { } props)
            return;
        foreach (var (name, value) in props.Entries)
        {
            if (value is not YMapping prop)
                continue;
            var fieldPath = path.Length == 0 ? name : path + "/" + name;
            if (prop.GetString("x-kubernetes-object-ref-kind") is { } refKind)
            {
                var nameKey = prop.GetString("x-kubernetes-object-ref-name-key") ?? "name";
                var spec = new FieldSpec(new Gvk("", "", kind), fieldPath + "/" + nameKey, false);
                var target = new Gvk("", prop.GetString("x-kubernetes-object-ref-api-version") ?? "", refKind);
                var other = TransformerConfig.Empty();
                other.NameReference.Add(new NameBackReference(target, [spec]));
                config.Merge(other);
            }
            if (prop.GetString("$ref") is { } reference &&
                definitions.GetMapping(reference[(reference.LastIndexOf('/') + 1)..]) is { } referenced)
                Walk(referenced, definitions, fieldPath, kind, config, depth + 1);
            Walk(prop, definitions, fieldPath, kind, config, depth + 1);
        }
    }
}
