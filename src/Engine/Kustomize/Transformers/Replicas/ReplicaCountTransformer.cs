using Tide.Engine.Kustomize.FieldSpecs;
using Tide.Engine.Kustomize.Yaml;

namespace Tide.Engine.Kustomize.Transformers.Replicas;

/// <summary>`replicas`: sets spec.replicas of the named workloads.</summary>
public sealed class ReplicaCountTransformer(string name, long count, IReadOnlyList<FieldSpec> fieldSpecs) : ITransformer
{
    public void Transform(ResourceMap resources)
    {
        var found = false;
        foreach (var fs in fieldSpecs)
        {
            var matched = resources.Resources.Where(r => r.AllIds.Any(id => id.Gvk.IsSelectedBy(fs.Gvk) && id.Name == name));
            foreach (var resource in matched)
            {
                FieldPath.Visit(resource.Node, fs.Path, fs.Create,
                    (parent, key) => parent[key] = new YScalar(count.ToString(System.Globalization.CultureInfo.InvariantCulture)) { Tag = "!!int" });
                found = true;
            }
        }
        if (!found)
            throw new KustomizeException(
                $"resource with name {name} does not match a config with the following GVK [{string.Join(" ", fieldSpecs.Select(f => f.Gvk.Kind))}]");
    }
}
