using System.Text.Json.Nodes;
using Tide.Engine.Kube;

namespace Tide.Engine.Apply;

/// <summary>
/// The order objects are applied in: cluster definitions (CRDs, Namespaces, ClusterRoles) first, then class kinds
/// (StorageClass, IngressClass, ...), then everything else; within a stage by kind order like Flux's, then by
/// namespace and name.
/// </summary>
public static class ApplyStage
{
    private static readonly string[] KindOrder =
    [
        "CustomResourceDefinition", "Namespace", "ResourceQuota", "StorageClass", "ServiceAccount",
        "PodSecurityPolicy", "Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding", "ConfigMap", "Secret",
        "Service", "LimitRange", "PriorityClass", "Deployment", "StatefulSet", "CronJob", "PodDisruptionBudget",
        "MutatingWebhookConfiguration", "ValidatingWebhookConfiguration",
    ];

    public static int Of(JsonObject obj)
    {
        var kind = obj["kind"]?.GetValue<string>() ?? "";
        return kind switch
        {
            "CustomResourceDefinition" or "Namespace" or "ClusterRole" => 0,
            _ when kind.EndsWith("Class", StringComparison.Ordinal) => 1,
            _ => 2,
        };
    }

    /// <summary>The objects grouped into stages, each stage sorted.</summary>
    public static IReadOnlyList<IReadOnlyList<JsonObject>> Split(IEnumerable<JsonObject> objects) =>
        objects.GroupBy(Of)
            .OrderBy(g => g.Key)
            .Select(g => (IReadOnlyList<JsonObject>)g.OrderBy(KindRank).ThenBy(o => ObjectRef.Of(o).Namespace, StringComparer.Ordinal)
                .ThenBy(o => ObjectRef.Of(o).Name, StringComparer.Ordinal).ToList())
            .ToList();

    private static int KindRank(JsonObject obj)
    {
        var index = Array.IndexOf(KindOrder, obj["kind"]?.GetValue<string>());
        return index < 0 ? KindOrder.Length : index;
    }
}
