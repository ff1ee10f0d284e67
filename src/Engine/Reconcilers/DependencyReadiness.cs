using Tide.Engine.Api;
using Tide.Engine.Kube;

namespace Tide.Engine.Reconcilers;

/// <summary>The readiness every dependsOn entry asks for: the object exists and says Ready=True for its current
/// generation. Fails with DependencyNotReady naming the dependency.</summary>
public static class DependencyReadiness
{
    public static async Task RequireReadyAsync(KubeClient kube, string apiVersion, string kind, string @namespace, string name,
        CancellationToken ct)
    {
        var id = $"{@namespace}/{name}";
        var obj = await kube.GetAsync(new ObjectRef(apiVersion, kind, @namespace, name), ct)
            ?? throw new ReconcileFailure(ConditionReasons.DependencyNotReady, $"dependency '{id}' not found");
        var ready = (obj["status"]?["conditions"] as System.Text.Json.Nodes.JsonArray ?? [])
            .FirstOrDefault(c => (string?)c?["type"] == ConditionTypes.Ready);
        if ((string?)ready?["status"] != ConditionStatus.True ||
            (long?)obj["status"]?["observedGeneration"] != (long?)obj["metadata"]?["generation"])
            throw new ReconcileFailure(ConditionReasons.DependencyNotReady, $"dependency '{id}' is not ready");
    }
}
