using System.Text.Json.Nodes;
using Tide.Engine.Kube;

namespace Tide.Engine.Canaries;

/// <summary>
/// A Canary's autoscalerRef (HorizontalPodAutoscaler, autoscaling/v2), as Flagger's HPA reconciler: the target's HPA
/// keeps scaling the canary; &lt;hpa&gt;-primary, a copy aimed at the primary (with autoscalerRef.primaryScalerReplicas
/// as its bounds when given), scales the primary. The copy is created at initialization and updated at promotion.
/// </summary>
public sealed class HpaScaler(KubeClient kube, string fieldManager)
{
    public const string Kind = "HorizontalPodAutoscaler";
    private const string ApiVersion = "autoscaling/v2";

    /// <param name="update">Whether an existing primary HPA takes the target HPA's spec (promotion), or is kept
    /// (initialization).</param>
    public async Task ReconcilePrimaryAsync(CanaryRun run, bool update, CancellationToken ct)
    {
        var reference = run.Canary.Spec.AutoscalerRef!;
        var hpa = await GetRequiredAsync(run, ct);
        var primaryName = reference.Name + "-primary";
        if (!update && await kube.GetAsync(new ObjectRef(ApiVersion, Kind, run.Namespace, primaryName), ct) is not null)
            return;
        var source = hpa["spec"] as JsonObject ?? [];
        var target = source["scaleTargetRef"] as JsonObject ?? [];
        var spec = new JsonObject
        {
            ["scaleTargetRef"] = new JsonObject
            {
                ["apiVersion"] = target["apiVersion"]?.DeepClone(),
                ["kind"] = target["kind"]?.DeepClone(),
                ["name"] = run.TargetName + "-primary",
            },
        };
        foreach (var field in new[] { "minReplicas", "maxReplicas", "metrics", "behavior" })
            if (source[field] is { } value)
                spec[field] = value.DeepClone();
        if (reference.PrimaryScalerReplicas?["minReplicas"] is { } min)
            spec["minReplicas"] = min.DeepClone();
        if (reference.PrimaryScalerReplicas?["maxReplicas"] is { } max)
            spec["maxReplicas"] = max.DeepClone();
        await kube.ApplyAsync(new JsonObject
        {
            ["apiVersion"] = ApiVersion,
            ["kind"] = Kind,
            ["metadata"] = new JsonObject
            {
                ["name"] = primaryName,
                ["namespace"] = run.Namespace,
                ["ownerReferences"] = new JsonArray(CanaryMetadata.OwnerReference(run.Object)),
            },
            ["spec"] = spec,
        }, new ApplyOptions { FieldManager = fieldManager }, ct);
    }

    /// <summary>The replicas a canary scaled up from zero starts with: the HPA's minReplicas when above one.</summary>
    public async Task<int> MinReplicasAsync(CanaryRun run, CancellationToken ct) =>
        (await GetRequiredAsync(run, ct))["spec"]?["minReplicas"]?.GetValue<int>() is > 1 and var min ? min : 1;

    private async Task<JsonObject> GetRequiredAsync(CanaryRun run, CancellationToken ct)
    {
        var name = run.Canary.Spec.AutoscalerRef!.Name;
        return await kube.GetAsync(new ObjectRef(ApiVersion, Kind, run.Namespace, name), ct) ?? throw new CanaryFailure(
            $"HorizontalPodAutoscaler {name}.{run.Namespace} get query error: horizontalpodautoscalers.autoscaling \"{name}\" not found");
    }
}
