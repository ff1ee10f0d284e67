namespace Tide.Engine.Kustomize.Transformers.Sort;

/// <summary>
/// kustomize's default ("legacy") output order: kinds that others depend on first (Namespace, CRDs, RBAC,
/// ConfigMaps, ...), webhooks last, the rest by group/version/kind, then namespace and name.
/// </summary>
public sealed class LegacySortTransformer(IReadOnlyList<string>? orderFirst = null, IReadOnlyList<string>? orderLast = null)
    : ITransformer
{
    private static readonly string[] DefaultFirst =
    [
        "Namespace", "ResourceQuota", "StorageClass", "CustomResourceDefinition", "ServiceAccount", "PodSecurityPolicy",
        "Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding", "ConfigMap", "Secret", "Endpoints", "Service",
        "LimitRange", "PriorityClass", "PersistentVolume", "PersistentVolumeClaim", "Deployment", "StatefulSet",
        "CronJob", "PodDisruptionBudget",
    ];

    private static readonly string[] DefaultLast = ["MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"];

    public void Transform(ResourceMap resources)
    {
        var first = orderFirst ?? DefaultFirst;
        var last = orderLast ?? DefaultLast;
        var order = new Dictionary<string, int>();
        for (var i = 0; i < first.Count; i++)
            order[first[i]] = -first.Count + i;
        for (var i = 0; i < last.Count; i++)
            order[last[i]] = 1 + i;
        var sorted = resources.Resources.ToList();
        sorted.Sort((a, b) => Compare(a.CurId, b.CurId, order));
        resources.ReplaceAll(sorted);
    }

    private static int Compare(ResId a, ResId b, Dictionary<string, int> order)
    {
        if (a.Gvk != b.Gvk)
        {
            var ia = order.GetValueOrDefault(a.Gvk.Kind);
            var ib = order.GetValueOrDefault(b.Gvk.Kind);
            if (ia != ib)
                return ia.CompareTo(ib);
            var c = string.CompareOrdinal(GvkKey(a.Gvk), GvkKey(b.Gvk));
            if (a.Gvk.Kind == "Namespace" && b.Gvk.Kind == "Namespace" && (a.Gvk.Group == "" || b.Gvk.Group == ""))
                return -c;
            return c;
        }
        return string.CompareOrdinal(IdKey(a), IdKey(b));
    }

    private static string GvkKey(Gvk g) =>
        $"{(g.Group.Length > 0 ? g.Group : "~G")}_{(g.Version.Length > 0 ? g.Version : "~V")}_{(g.Kind.Length > 0 ? g.Kind : "~K")}";

    private static string IdKey(ResId id) =>
        $"{(id.Namespace.Length > 0 ? id.Namespace : "~X")}|{(id.Name.Length > 0 ? id.Name : "~N")}";
}
