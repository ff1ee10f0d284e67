using Tide.Engine.Kustomize.FieldSpecs;
using Tide.Engine.Kustomize.Yaml;

namespace Tide.Engine.Kustomize.Transformers.NameReference;

/// <summary>
/// After renames (prefix, suffix, hash, namespace), rewrites every field that names another resource so it
/// names that resource's new name: a ConfigMap volume, a roleRef, a serviceAccountName, ...
/// </summary>
public sealed class NameReferenceTransformer(IReadOnlyList<NameBackReference> backReferences) : ITransformer
{
    public void Transform(ResourceMap resources)
    {
        // Only renamed resources can be referral targets: index them by every name they had.
        var byPreviousName = new Dictionary<string, List<Resource>>();
        foreach (var r in resources.Resources)
            foreach (var name in r.PreviousIds.Select(id => id.Name).Distinct())
            {
                if (!byPreviousName.TryGetValue(name, out var list))
                    byPreviousName[name] = list = [];
                list.Add(r);
            }
        if (byPreviousName.Count == 0)
            return;
        foreach (var referrer in resources.Resources.ToList())
        {
            var orgGvk = referrer.OrgId.Gvk;
            var candidates = new Candidates(referrer, byPreviousName);
            foreach (var backRef in backReferences)
                foreach (var fs in backRef.Referrers)
                {
                    if (!orgGvk.IsSelectedBy(fs.Gvk))
                        continue;
                    FieldPath.Visit(referrer.Node, fs.Path, false, (parent, key) =>
                        Set(parent, key, referrer, fs, backRef.Target, candidates));
                }
        }
    }

    /// <summary>The resources a referrer may point at under a given old name (kustomize's namespace rules).</summary>
    private sealed class Candidates(Resource referrer, Dictionary<string, List<Resource>> byPreviousName)
    {
        private readonly HashSet<string> _roleBindingNamespaces = RoleBindingNamespaces(referrer);

        public List<Resource> Named(string oldName)
        {
            if (!byPreviousName.TryGetValue(oldName, out var named))
                return [];
            var referrerId = referrer.CurId;
            if (referrerId.Gvk.IsClusterScoped)
                return named;
            return named.Where(r => r.Gvk.IsClusterScoped || r.CurId.EffectiveNamespace == referrerId.EffectiveNamespace ||
                                    _roleBindingNamespaces.Contains(r.Namespace)).ToList();
        }

        private static HashSet<string> RoleBindingNamespaces(Resource referrer)
        {
            var namespaces = new HashSet<string>();
            if (referrer.Kind == "RoleBinding" && referrer.Node.GetSequence("subjects") is { } subjects)
                foreach (var s in subjects.Items.OfType<YMapping>())
                    if (s.GetString("kind") == "ServiceAccount" && s.GetString("namespace") is { } ns)
                        namespaces.Add(ns);
            return namespaces;
        }
    }

    private static void Set(YMapping parent, string key, Resource referrer, FieldSpec fs, Gvk target, Candidates candidates)
    {
        switch (parent[key])
        {
            case YScalar { IsNull: false } scalar:
                SetScalar(parent, key, scalar.Value, referrer, fs, target, candidates);
                break;
            case YMapping map:
                SetMapping(map, referrer, fs, target, candidates);
                break;
            case YSequence seq:
                for (var i = 0; i < seq.Items.Count; i++)
                {
                    if (seq.Items[i] is YScalar s)
                    {
                        var referral = SelectReferral(s.Value, candidates.Named(s.Value), referrer, fs, target, sameNamespace: false);
                        if (referral is not null && referral.Name != s.Value)
                            seq.Items[i] = YNode.Str(referral.Name);
                    }
                    else if (seq.Items[i] is YMapping m)
                    {
                        SetMapping(m, referrer, fs, target, candidates);
                    }
                }
                break;
        }
    }

    private static void SetScalar(YMapping parent, string key, string oldName, Resource referrer, FieldSpec fs, Gvk target,
        Candidates candidates)
    {
        var referral = SelectReferral(oldName, candidates.Named(oldName), referrer, fs, target, sameNamespace: false);
        if (referral is not null && referral.Name != oldName)
            parent[key] = YNode.Str(referral.Name);
    }

    private static void SetMapping(YMapping node, Resource referrer, FieldSpec fs, Gvk target, Candidates candidates)
    {
        if (node["name"] is not YScalar nameNode)
            return;
        var oldName = nameNode.Value;
        var filtered = candidates.Named(oldName);
        if (node.GetString("namespace") is { } ns)
        {
            var byOriginal = filtered.Where(c => c.OrgId.Namespace == ns).ToList();
            filtered = byOriginal.Count > 0 ? byOriginal : filtered.Where(c => c.Namespace == ns).ToList();
        }
        var referral = SelectReferral(oldName, filtered, referrer, fs, target, sameNamespace: true);
        if (referral is null || (referral.Name == oldName && referral.Namespace.Length == 0))
            return;
        node["name"] = YNode.Str(referral.Name);
        if (referral.Namespace.Length > 0)
            node["namespace"] = YNode.Str(referral.Namespace);
    }

    private static Resource? SelectReferral(string oldName, List<Resource> candidates, Resource referrer, FieldSpec fs,
        Gvk target, bool sameNamespace)
    {
        var c = candidates.Where(r => r.PreviousIds.Any(id => id.Name == oldName)).ToList();
        c = c.Where(r => r.PreviousIds.Any(id => id.Gvk.IsSelectedBy(target))).ToList();
        if (fs.Path.EndsWith("roleRef/name", StringComparison.Ordinal) && referrer.Node.GetMapping("roleRef") is { } roleRef &&
            roleRef.GetString("apiGroup") is { } apiGroup && roleRef.GetString("kind") is { } kind)
        {
            var roleGvk = new Gvk(apiGroup, "", kind);
            c = c.Where(r => r.PreviousIds.Any(id => id.Gvk.IsSelectedBy(roleGvk))).ToList();
        }
        var referrerId = referrer.CurId;
        if (!referrerId.Gvk.IsClusterScoped)
            c = c.Where(r => r.Gvk.IsClusterScoped || r.Kind == "ServiceAccount" ||
                             r.CurId.EffectiveNamespace == referrerId.EffectiveNamespace).ToList();
        if (c.Count == 1)
            return c[0];
        c = c.Where(r => AffixesMatch(r, referrer, allowEmpty: true)).ToList();
        if (c.Count > 1)
            c = c.Where(r => AffixesMatch(r, referrer, allowEmpty: false)).ToList();
        if (c.Count == 1)
            return c[0];
        if (c.Count == 0)
            return null;
        var identical = c.All(r => r.Name == c[0].Name && (!sameNamespace || r.Namespace == c[0].Namespace));
        if (identical)
            return c[0];
        throw new KustomizeException(
            $"found multiple possible referrals: {string.Join(", ", c.Select(r => r.CurId))}");
    }

    private static bool AffixesMatch(Resource r, Resource other, bool allowEmpty)
    {
        if (allowEmpty)
            return (r.NamePrefixes.Count == 0 || other.NamePrefixes.Count == 0 || SameEnding(r.NamePrefixes, other.NamePrefixes)) &&
                   (r.NameSuffixes.Count == 0 || other.NameSuffixes.Count == 0 || SameEnding(r.NameSuffixes, other.NameSuffixes));
        return SameEnding(r.NamePrefixes, other.NamePrefixes) && SameEnding(r.NameSuffixes, other.NameSuffixes);
    }

    /// <summary>True when one list ends with the other (the shorter one's affixes were all applied to both).</summary>
    private static bool SameEnding(List<string> a, List<string> b)
    {
        var n = Math.Min(a.Count, b.Count);
        for (var i = 1; i <= n; i++)
            if (a[^i] != b[^i])
                return false;
        return true;
    }
}
