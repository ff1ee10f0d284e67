using Tide.Engine.Kustomize.FieldSpecs;
using Tide.Engine.Kustomize.Yaml;

namespace Tide.Engine.Kustomize.Transformers.Namespace;

/// <summary>
/// `namespace:`: sets metadata.namespace on namespaced resources, renames Namespace objects, and points
/// (Cluster)RoleBinding subjects named "default" at the new namespace.
/// </summary>
public sealed class NamespaceTransformer(string ns, IReadOnlyList<FieldSpec> fieldSpecs, string subjectMode = "defaultOnly", bool unsetOnly = false)
    : ITransformer
{
    public void Transform(ResourceMap resources)
    {
        if (ns.Length == 0)
            return;
        foreach (var resource in resources.Resources)
        {
            if (resource.IsEmpty)
                continue;
            resource.StorePreviousId();
            var gvk = resource.Gvk;
            if (!gvk.IsClusterScoped)
                Set(resource.Node.GetOrAddMapping("metadata"), "namespace");
            var specs = fieldSpecs.Where(fs => fs.Path != "metadata/namespace" &&
                                               (resource.ApiVersion == "v1" || fs.Path != "metadata/name"));
            if (gvk.Kind is "RoleBinding" or "ClusterRoleBinding")
            {
                specs = specs.Where(fs => fs.Path != "subjects/namespace");
                SetSubjects(resource);
            }
            foreach (var fs in specs.Where(fs => gvk.IsSelectedBy(fs.Gvk)))
                FieldPath.Visit(resource.Node, fs.Path, fs.Create, Set);
        }
        var seen = new HashSet<(Gvk, string, string)>();
        foreach (var id in resources.Resources.Select(r => r.CurId))
            if (!seen.Add((id.Gvk, id.Name, id.EffectiveNamespace)))
                throw new KustomizeException($"namespace transformation produces ID conflict: {id}");
    }

    private void Set(YMapping parent, string key)
    {
        if (unsetOnly && parent[key] is YScalar { IsNull: false, Value.Length: > 0 })
            return;
        parent[key] = YNode.Str(ns);
    }

    private void SetSubjects(Resource resource)
    {
        if (subjectMode == "none" || resource.Node.GetSequence("subjects") is not { } subjects)
            return;
        foreach (var subject in subjects.Items.OfType<YMapping>())
        {
            var matches = subjectMode == "allServiceAccounts"
                ? subject.GetString("kind") == "ServiceAccount"
                : subject.GetString("name") == "default";
            if (matches)
                Set(subject, "namespace");
        }
    }
}
