using System.Text.Json.Nodes;
using Tide.Engine.Kube;

namespace Tide.Engine.Canaries;

/// <summary>A DaemonSet target, as Flagger's daemonset controller: "scaled to zero" by a node selector no node has
/// (flagger.app/scale-to-zero: "true"), which the revision hash and the primary's copy leave out; ready when every
/// scheduled daemon runs the new template and enough are available, stuck when the Canary's progress deadline passed.</summary>
public sealed class DaemonSetTarget(KubeClient kube, ConfigTracker configs, string fieldManager)
    : WorkloadTarget(kube, configs, fieldManager)
{
    private const string ScaleToZeroKey = "flagger.app/scale-to-zero";

    protected override string Noun => "daemonset";

    protected override string Kind => "DaemonSet";

    public override Task ScaleToZeroAsync(JsonObject target, CancellationToken ct) =>
        SetNodeSelectorAsync(target, "true", ct);

    public override Task ScaleFromZeroAsync(JsonObject target, int? autoscalerMin, CancellationToken ct) =>
        SetNodeSelectorAsync(target, null, ct);

    public override Task RestoreAsync(JsonObject target, JsonObject? primary, CancellationToken ct) =>
        SetNodeSelectorAsync(target, null, ct);

    public override string? NotReady(JsonObject workload, int deadlineSeconds, int readyThreshold, DateTimeOffset since,
        DateTimeOffset now, out bool retriable) => Judge(workload, deadlineSeconds, readyThreshold, since, now, out retriable);

    /// <summary>Flagger's isDaemonSetReady: the deadline runs from the Canary's last transition.</summary>
    public static string? Judge(JsonObject daemonSet, int deadlineSeconds, int readyThreshold, DateTimeOffset since,
        DateTimeOffset now, out bool retriable)
    {
        retriable = true;
        var status = daemonSet["status"] as JsonObject ?? [];
        long Count(string field) => status[field]?.GetValue<long>() ?? 0;
        if ((daemonSet["metadata"]?["generation"]?.GetValue<long>() ?? 0) > Count("observedGeneration"))
            return "waiting for rollout to finish: observed daemonset generation less than desired generation";
        var desired = Count("desiredNumberScheduled");
        var thresholdDesired = (long)(desired * (readyThreshold / 100f));
        var updating = Count("updatedNumberScheduled") < desired;
        var unavailable = Count("numberAvailable") < thresholdDesired;
        if (!updating && !unavailable)
            return null;
        if (since.AddSeconds(deadlineSeconds) < now)
        {
            retriable = false;
            return $"exceeded its progressDeadlineSeconds: {deadlineSeconds}";
        }
        return updating
            ? $"waiting for rollout to finish: {Count("updatedNumberScheduled")} out of {desired} new pods have been updated"
            : $"waiting for rollout to finish: {Count("numberAvailable")} of {thresholdDesired} (readyThreshold {readyThreshold}%) updated pods are available";
    }

    protected override void CopySpec(JsonObject targetSpec, JsonObject primarySpec, JsonObject? primary) =>
        CopyFields(targetSpec, primarySpec, "minReadySeconds", "revisionHistoryLimit", "updateStrategy");

    /// <summary>The template without the scale-to-zero node selector: it is no part of the revision.</summary>
    protected override JsonObject Template(JsonObject workload)
    {
        var template = (JsonObject)(workload["spec"]?["template"]?.DeepClone() ?? new JsonObject());
        if (template["spec"]?["nodeSelector"] is JsonObject selector)
        {
            selector.Remove(ScaleToZeroKey);
            if (selector.Count == 0)
                ((JsonObject)template["spec"]!).Remove("nodeSelector");
        }
        return template;
    }

    private async Task SetNodeSelectorAsync(JsonObject target, string? value, CancellationToken ct)
    {
        var (ns, name) = NameOf(target);
        var patch = new JsonObject
        {
            ["spec"] = new JsonObject
            {
                ["template"] = new JsonObject
                {
                    ["spec"] = new JsonObject { ["nodeSelector"] = new JsonObject { [ScaleToZeroKey] = value } },
                },
            },
        };
        try
        {
            await Kube.PatchAsync(Ref(ns, name), patch, ct);
        }
        catch (KubeApiException e)
        {
            throw new CanaryFailure($"daemonset {name}.{ns} patch query error: {e.Message}");
        }
    }
}
