using Tide.Engine.Kustomize.FieldSpecs;
using Tide.Engine.Kustomize.Yaml;

namespace Tide.Engine.Kustomize.Transformers.Labels;

/// <summary>Sets key/value pairs into string maps at field specs: labels, selectors, annotations.</summary>
public sealed class MetadataMapTransformer(IReadOnlyList<KeyValuePair<string, string>> pairs, IReadOnlyList<FieldSpec> fieldSpecs)
    : ITransformer
{
    public void Transform(ResourceMap resources)
    {
        if (pairs.Count == 0)
            return;
        foreach (var resource in resources.Resources)
        {
            var gvk = resource.Gvk;
            foreach (var fs in fieldSpecs)
            {
                if (!gvk.IsSelectedBy(fs.Gvk))
                    continue;
                FieldPath.Visit(resource.Node, fs.Path, fs.Create, (parent, key) =>
                {
                    if (parent[key] is not YMapping map)
                    {
                        if (parent[key] is YScalar { IsNull: false })
                            throw new KustomizeException(
                                $"considering field '{fs.Path}' of object {resource.CurId}: expected sequence or mapping node");
                        map = new YMapping();
                        parent[key] = map;
                    }
                    foreach (var (k, v) in pairs)
                        map[k] = YNode.Str(v);
                });
            }
        }
    }

    public static List<KeyValuePair<string, string>> PairsOf(YMapping? map) =>
        map?.Entries.Select(e => new KeyValuePair<string, string>(e.Key, e.Value is YScalar s ? s.Value : "")).ToList() ?? [];
}
