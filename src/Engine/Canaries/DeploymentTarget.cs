using System.Text.Json.Nodes;
using Tide.Engine.Kube;

namespace Tide.Engine.Canaries;

/// <summary>A Deployment target, as Flagger's deployment controller: scaled by spec.replicas; ready when its
/// rollout finished and enough updated replicas are available, stuck when past its progress deadline.</summary>
public sealed class DeploymentTarget(KubeClient kube, ConfigTracker configs, string fieldManager)
    : WorkloadTarget(kube, configs, fieldManager)
{
    protected override string Noun => "deployment";

    protected override string Kind => "Deployment";

    public override Task ScaleToZeroAsync(JsonObject target, CancellationToken ct) => ScaleAsync(target, 0, ct);

    /// <summary>Its own replicas when set; else, autoscaled, the autoscaler's minimum; else the primary's; else one.</summary>
    public override async Task ScaleFromZeroAsync(JsonObject target, int? autoscalerMin, CancellationToken ct)
    {
        var (ns, name) = NameOf(target);
        var replicas = target["spec"]?["replicas"]?.GetValue<int>() ?? 0;
        if (replicas <= 0 && autoscalerMin is { } min)
        {
            replicas = min;
        }
        else if (replicas <= 0)
        {
            var primary = await GetAsync(ns, name + "-primary", ct);
            replicas = primary?["spec"]?["replicas"]?.GetValue<int>() is > 0 and var p ? p : 1;
        }
        await ScaleAsync(target, replicas, ct);
    }

    public override async Task RestoreAsync(JsonObject target, JsonObject? primary, CancellationToken ct)
    {
        if (primary is null)
        {
            await ScaleFromZeroAsync(target, null, ct);
            return;
        }
        var replicas = primary["spec"]?["replicas"]?.GetValue<int>() ?? 1;
        if (target["spec"]?["replicas"]?.GetValue<int>() != replicas)
            await ScaleAsync(target, replicas, ct);
    }

    public override string? NotReady(JsonObject workload, int deadlineSeconds, int readyThreshold, DateTimeOffset since,
        DateTimeOffset now, out bool retriable) => Judge(workload, deadlineSeconds, readyThreshold, now, out retriable);

    /// <summary>Flagger's isDeploymentReady: the deadline runs from the Available condition's last update.</summary>
    public static string? Judge(JsonObject deployment, int deadlineSeconds, int readyThreshold, DateTimeOffset now,
        out bool retriable)
    {
        retriable = true;
        var status = deployment["status"] as JsonObject ?? [];
        long Count(string field) => status[field]?.GetValue<long>() ?? 0;
        var generation = deployment["metadata"]?["generation"]?.GetValue<long>() ?? 0;
        if (generation > Count("observedGeneration"))
            return "waiting for rollout to finish: observed deployment generation less than desired generation";
        var conditions = (status["conditions"] as JsonArray ?? []).OfType<JsonObject>().ToList();
        var progressing = conditions.FirstOrDefault(c => (string?)c["type"] == "Progressing");
        var available = conditions.FirstOrDefault(c => (string?)c["type"] == "Available");
        if (progressing is not null && available is not null && (string?)available["status"] == "False" &&
            (string?)available["reason"] == "MinimumReplicasUnavailable" &&
            DateTimeOffset.TryParse((string?)available["lastUpdateTime"], out var stuckSince))
            retriable = stuckSince.AddSeconds(deadlineSeconds) >= now;
        var replicas = deployment["spec"]?["replicas"]?.GetValue<long>();
        var updated = Count("updatedReplicas");
        var thresholdUpdated = (long)(updated * (readyThreshold / 100f));
        if ((string?)progressing?["reason"] == "ProgressDeadlineExceeded")
        {
            retriable = false;
            return $"deployment \"{deployment["metadata"]?["name"]}\" exceeded its progress deadline";
        }
        if (replicas is { } wanted && updated < wanted)
            return $"waiting for rollout to finish: {updated} out of {wanted} new replicas have been updated";
        if (Count("replicas") > updated)
            return $"waiting for rollout to finish: {Count("replicas") - updated} old replicas are pending termination";
        if (Count("availableReplicas") < thresholdUpdated)
            return $"waiting for rollout to finish: {Count("availableReplicas")} of {thresholdUpdated} (readyThreshold {readyThreshold}%) updated replicas are available";
        return null;
    }

    protected override void CopySpec(JsonObject targetSpec, JsonObject primarySpec, JsonObject? primary)
    {
        // Autoscaled, the primary keeps the replicas its autoscaler gave it; else the target's (one at least).
        primarySpec["replicas"] = primary is not null
            ? primary["spec"]?["replicas"]?.GetValue<int>() ?? 1
            : (targetSpec["replicas"]?.GetValue<int>() ?? 0) is > 0 and var r ? r : 1;
        CopyFields(targetSpec, primarySpec, "progressDeadlineSeconds", "minReadySeconds", "revisionHistoryLimit", "strategy");
    }

    private async Task ScaleAsync(JsonObject target, int replicas, CancellationToken ct)
    {
        var (ns, name) = NameOf(target);
        try
        {
            await Kube.PatchAsync(Ref(ns, name), new JsonObject { ["spec"] = new JsonObject { ["replicas"] = replicas } }, ct);
        }
        catch (KubeApiException e)
        {
            throw new CanaryFailure($"deployment {name}.{ns} patch query error: {e.Message}");
        }
    }
}
