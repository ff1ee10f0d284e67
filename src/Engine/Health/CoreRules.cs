using System.Text.Json.Nodes;

namespace Tide.Engine.Health;

/// <summary>kstatus's rules for core kinds without replicas: claims, Services, Namespaces and CRDs.</summary>
internal static class CoreRules
{
    public static HealthResult PersistentVolumeClaim(JsonObject obj)
    {
        var phase = obj.Str("unknown", "status", "phase");
        return phase == "Bound"
            ? HealthResult.Current("PVC is Bound")
            : HealthResult.InProgress($"PVC is not Bound. phase: {phase}");
    }

    /// <summary>kstatus waits only for a LoadBalancer Service's clusterIP, not for its ingress: a cluster without a
    /// load-balancer controller would otherwise never let the Kustomization become Ready.</summary>
    public static HealthResult Service(JsonObject obj) =>
        obj.Str("ClusterIP", "spec", "type") == "LoadBalancer" && obj.Str("", "spec", "clusterIP").Length == 0
            ? HealthResult.InProgress("ClusterIP not set. Service type: LoadBalancer")
            : HealthResult.Current("Service is ready");

    /// <summary>A Namespace being emptied reports phase Terminating (its deletionTimestamp is caught by the generic
    /// rules first when present).</summary>
    public static HealthResult Namespace(JsonObject obj) =>
        obj.Str("", "status", "phase") == "Terminating"
            ? new HealthResult(HealthStatus.Terminating, "Namespace is terminating")
            : HealthResult.Current("Namespace is active");

    public static HealthResult CustomResourceDefinition(JsonObject obj)
    {
        foreach (var c in obj.Conditions())
        {
            if (c.Type == "NamesAccepted" && c.IsFalse) return HealthResult.Failed(c.Message);
            if (c.Type == "Established")
            {
                if (c.IsFalse && c.Reason != "Installing") return HealthResult.Failed(c.Message);
                if (c.IsTrue) return HealthResult.Current("CRD is established");
            }
        }
        return HealthResult.InProgress("Install in progress");
    }
}
