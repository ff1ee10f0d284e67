using System.Text.Json.Nodes;
using Tide.Engine.Kube;

namespace Tide.Engine.Canaries;

/// <summary>
/// What a Canary does to its target Deployment and to &lt;target&gt;-primary, as Flagger's deployment controller:
/// create the primary (a copy whose selector label value ends in -primary, with -primary copies of its ConfigMaps
/// and Secrets), promote (copy the target's pod spec to the primary, with a new flagger-id so it rolls), scale the
/// target, and judge readiness from the Deployment's status.
/// </summary>
public sealed class DeploymentTarget(KubeClient kube, ConfigTracker configs, string fieldManager)
{
    /// <summary>Flagger's default --selector-labels: the first of these in spec.selector.matchLabels names the pods.</summary>
    public static readonly IReadOnlyList<string> SelectorLabels = ["app", "name", "app.kubernetes.io/name"];

    public Task<JsonObject?> GetAsync(string ns, string name, CancellationToken ct) =>
        kube.GetAsync(Ref(ns, name), ct);

    public async Task<JsonObject> GetRequiredAsync(string ns, string name, CancellationToken ct) =>
        await GetAsync(ns, name, ct) ?? throw new CanaryFailure(
            $"deployment {name}.{ns} get query error: deployments.apps \"{name}\" not found", CanaryFailure.TargetNotFound);

    public static (string Label, string Value) SelectorLabel(JsonObject deployment)
    {
        var matchLabels = deployment["spec"]?["selector"]?["matchLabels"] as JsonObject;
        foreach (var label in SelectorLabels)
            if ((string?)matchLabels?[label] is { } value)
                return (label, value);
        throw new CanaryFailure(
            $"deployment {deployment["metadata"]?["name"]}.{deployment["metadata"]?["namespace"]} spec.selector.matchLabels " +
            $"must contain one of [{string.Join(" ", SelectorLabels)}]", CanaryFailure.InvalidSpec, stalled: true);
    }

    /// <summary>The revision of the target: the hash of its pod template.</summary>
    public static string TemplateHash(JsonObject deployment) => SpecHash.Of(deployment["spec"]?["template"]);

    public Task<IReadOnlyDictionary<string, ConfigRef>> ConfigsAsync(string ns, JsonObject deployment, CancellationToken ct) =>
        configs.GetAsync(ns, deployment, ct);

    /// <summary>Creates the primary when it does not exist yet (with the -primary configs); returns it.</summary>
    public async Task<JsonObject> EnsurePrimaryAsync(JsonObject canary, JsonObject target, CancellationToken ct)
    {
        var (ns, name) = NameOf(target);
        if (await GetAsync(ns, name + "-primary", ct) is { } existing)
            return existing;
        var refs = await configs.GetAsync(ns, target, ct);
        await configs.CopyToPrimaryAsync(canary, refs, ct);
        var replicas = (target["spec"]?["replicas"]?.GetValue<int>() ?? 0) is > 0 and var r ? r : 1;
        return await kube.ApplyAsync(Primary(canary, target, refs, replicas), new ApplyOptions { FieldManager = fieldManager }, ct);
    }

    /// <summary>Copies the target's pod spec, configs and rollout settings to the primary (replicas too, unless an
    /// autoscaler owns them).</summary>
    public async Task PromoteAsync(JsonObject canary, JsonObject target, bool autoscaled, CancellationToken ct)
    {
        var (ns, name) = NameOf(target);
        var primary = await GetAsync(ns, name + "-primary", ct) ?? throw new CanaryFailure(
            $"deployment {name}-primary.{ns} get query error: deployments.apps \"{name}-primary\" not found");
        var refs = await configs.GetAsync(ns, target, ct);
        await configs.CopyToPrimaryAsync(canary, refs, ct);
        var replicas = autoscaled
            ? primary["spec"]?["replicas"]?.GetValue<int>() ?? 1
            : target["spec"]?["replicas"]?.GetValue<int>() ?? 1;
        await kube.ApplyAsync(Primary(canary, target, refs, replicas), new ApplyOptions { FieldManager = fieldManager }, ct);
    }

    public async Task ScaleAsync(string ns, string name, int replicas, CancellationToken ct)
    {
        try
        {
            await kube.PatchAsync(Ref(ns, name), new JsonObject { ["spec"] = new JsonObject { ["replicas"] = replicas } }, ct);
        }
        catch (KubeApiException e)
        {
            throw new CanaryFailure($"deployment {name}.{ns} patch query error: {e.Message}");
        }
    }

    /// <summary>Scales the target up for an analysis: its own replicas when set; else, autoscaled, the autoscaler's
    /// minimum (<paramref name="autoscalerMin"/>); else the primary's; else one.</summary>
    public async Task ScaleFromZeroAsync(JsonObject target, int? autoscalerMin, CancellationToken ct)
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
        await ScaleAsync(ns, name, replicas, ct);
    }

    /// <summary>Why the Deployment is not ready yet (null: ready), as Flagger's isDeploymentReady; a rollout stuck
    /// past its deadline is not <paramref name="retriable"/>.</summary>
    public static string? NotReady(JsonObject deployment, int deadlineSeconds, int readyThreshold, DateTimeOffset now,
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
            DateTimeOffset.TryParse((string?)available["lastUpdateTime"], out var since))
            retriable = since.AddSeconds(deadlineSeconds) >= now;
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

    private static JsonObject Primary(JsonObject canary, JsonObject target, IReadOnlyDictionary<string, ConfigRef> refs, int replicas)
    {
        var (ns, name) = NameOf(target);
        var (label, value) = SelectorLabel(target);
        var primaryValue = value + "-primary";
        var spec = target["spec"] as JsonObject ?? [];
        var template = spec["template"] as JsonObject ?? [];
        var podAnnotations = CanaryMetadata.WithoutToolkit(template["metadata"]?["annotations"] as JsonObject);
        // A new id on every copy makes the primary roll even when only a ConfigMap changed.
        podAnnotations["flagger-id"] = Guid.NewGuid().ToString();
        var primarySpec = new JsonObject
        {
            ["replicas"] = replicas,
            ["selector"] = new JsonObject { ["matchLabels"] = new JsonObject { [label] = primaryValue } },
            ["template"] = new JsonObject
            {
                ["metadata"] = new JsonObject
                {
                    ["labels"] = CanaryMetadata.WithLabel(template["metadata"]?["labels"] as JsonObject, label, primaryValue),
                    ["annotations"] = podAnnotations,
                },
                ["spec"] = ConfigTracker.UsePrimaryConfigs(template["spec"] as JsonObject ?? [], refs),
            },
        };
        foreach (var field in new[] { "progressDeadlineSeconds", "minReadySeconds", "revisionHistoryLimit", "strategy" })
            if (spec[field] is { } setting)
                primarySpec[field] = setting.DeepClone();
        return new JsonObject
        {
            ["apiVersion"] = "apps/v1",
            ["kind"] = "Deployment",
            ["metadata"] = new JsonObject
            {
                ["name"] = name + "-primary",
                ["namespace"] = ns,
                ["labels"] = new JsonObject { [label] = primaryValue },
                ["annotations"] = CanaryMetadata.WithoutToolkit(target["metadata"]?["annotations"] as JsonObject),
                ["ownerReferences"] = new JsonArray(CanaryMetadata.OwnerReference(canary)),
            },
            ["spec"] = primarySpec,
        };
    }

    private static (string Namespace, string Name) NameOf(JsonObject obj) =>
        ((string?)obj["metadata"]?["namespace"] ?? "", (string?)obj["metadata"]?["name"] ?? "");

    private static ObjectRef Ref(string ns, string name) => new("apps/v1", "Deployment", ns, name);
}
