using Tide.Engine.Kustomize.FieldSpecs;
using Tide.Engine.Kustomize.Yaml;

namespace Tide.Engine.Kustomize.Transformers.NameAffix;

/// <summary>`namePrefix` / `nameSuffix`: prepends or appends to names, remembering the old id for references.</summary>
public sealed class NameAffixTransformer(string affix, bool isPrefix, IReadOnlyList<FieldSpec> fieldSpecs) : ITransformer
{
    // kustomize never renames these: their names are meaningful to the API server.
    private static readonly Gvk[] Skipped =
    [
        new("", "", "CustomResourceDefinition"),
        new("apiregistration.k8s.io", "", "APIService"),
        new("", "", "Namespace"),
    ];

    public void Transform(ResourceMap resources)
    {
        foreach (var resource in resources.Resources)
        {
            var orgGvk = resource.OrgId.Gvk;
            if (Skipped.Any(orgGvk.IsSelectedBy))
                continue;
            foreach (var fs in fieldSpecs)
            {
                if (!orgGvk.IsSelectedBy(fs.Gvk))
                    continue;
                if (fs.Path == "metadata/name")
                {
                    (isPrefix ? resource.NamePrefixes : resource.NameSuffixes).Add(affix);
                    if (affix.Length > 0)
                        resource.StorePreviousId();
                }
                if (!resource.Gvk.IsSelectedBy(fs.Gvk))
                    continue;
                FieldPath.Visit(resource.Node, fs.Path, fs.Create, (parent, key) =>
                {
                    var current = parent[key] is YScalar s ? s.Value : "";
                    parent[key] = YNode.Str(isPrefix ? affix + current : current + affix);
                });
            }
        }
    }
}
