using System.Text.Json.Nodes;
using Tide.Engine.Kube;

namespace Tide.Engine.Apply;

/// <summary>
/// The order objects are applied in, as Flux's kustomize-controller does it: cluster definitions (CRDs, Namespaces,
/// ClusterRoles) first, then class kinds (StorageClass, IngressClass, ...), then everything else. Within a stage the
/// order is Flux's: a fixed list of well-known kinds first, webhook configurations last, every other kind in between
/// by API group and kind; ties by namespace and name, so the order never depends on the input's.
/// </summary>
public static class ApplyStage
{
    private static readonly string[] KindsFirst =
    [
        "CustomResourceDefinition", "Namespace", "ResourceQuota", "StorageClass", "ServiceAccount",
        "PodSecurityPolicy", "Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding", "ConfigMap", "Secret",
        "Service", "LimitRange", "PriorityClass", "Deployment", "StatefulSet", "CronJob", "PodDisruptionBudget",
    ];

    // Webhooks go after everything they might intercept, so they cannot block the objects applied with them.
    private static readonly string[] KindsLast = ["MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"];

    public static int Of(JsonObject obj)
    {
        var kind = Kind(obj);
        var apiVersion = obj["apiVersion"]?.GetValue<string>() ?? "";
        var definition = kind switch
        {
            "CustomResourceDefinition" => apiVersion.StartsWith("apiextensions.k8s.io/", StringComparison.Ordinal),
            "Namespace" => apiVersion == "v1",
            "ClusterRole" => apiVersion.StartsWith("rbac.authorization.k8s.io/", StringComparison.Ordinal),
            _ => false,
        };
        if (definition)
            return 0;
        return kind.EndsWith("Class", StringComparison.Ordinal) ? 1 : 2;
    }

    /// <summary>The objects grouped into stages, each stage sorted.</summary>
    public static IReadOnlyList<IReadOnlyList<JsonObject>> Split(IEnumerable<JsonObject> objects) =>
        objects.GroupBy(Of)
            .OrderBy(g => g.Key)
            .Select(g => (IReadOnlyList<JsonObject>)InFluxOrder(g, ObjectRef.Of).ToList())
            .ToList();

    /// <summary>Flux's order of objects (ssa's sort): listed kinds first, webhook configurations last, other kinds by
    /// API group and kind between them; then namespace and name.</summary>
    public static IEnumerable<T> InFluxOrder<T>(IEnumerable<T> items, Func<T, ObjectRef> refOf) =>
        items.Select(item => (Item: item, Ref: refOf(item)))
            .OrderBy(x => KindRank(x.Ref.Kind))
            .ThenBy(x => Group(x.Ref.ApiVersion), StringComparer.Ordinal)
            .ThenBy(x => x.Ref.Kind, StringComparer.Ordinal)
            .ThenBy(x => x.Ref.Namespace, StringComparer.Ordinal)
            .ThenBy(x => x.Ref.Name, StringComparer.Ordinal)
            .Select(x => x.Item);

    private static string Kind(JsonObject obj) => obj["kind"]?.GetValue<string>() ?? "";

    private static string Group(string apiVersion)
    {
        var slash = apiVersion.IndexOf('/');
        return slash < 0 ? "" : apiVersion[..slash];
    }

    /// <summary>Negative for the kinds listed first, 0 for unlisted kinds, positive for the kinds listed last.</summary>
    private static int KindRank(string kind)
    {
        var first = Array.IndexOf(KindsFirst, kind);
        if (first >= 0)
            return first - KindsFirst.Length;
        var last = Array.IndexOf(KindsLast, kind);
        return last < 0 ? 0 : last + 1;
    }
}
