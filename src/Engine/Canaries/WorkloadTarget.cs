using System.Text.Json.Nodes;
using Tide.Engine.Kube;

namespace Tide.Engine.Canaries;

/// <summary>
/// What a Canary does to its target workload and to &lt;target&gt;-primary, as Flagger's workload controllers: create
/// the primary (a copy whose selector label value ends in -primary, with -primary copies of its ConfigMaps and
/// Secrets), promote (copy the target's pod spec to the primary, with a new flagger-id so it rolls), scale the target
/// to zero and back, and judge readiness from the workload's status. Deployments and DaemonSets differ in how they
/// scale and report readiness.
/// </summary>
public abstract class WorkloadTarget(KubeClient kube, ConfigTracker configs, string fieldManager)
{
    /// <summary>Flagger's default --selector-labels: the first of these in spec.selector.matchLabels names the pods.</summary>
    public static readonly IReadOnlyList<string> SelectorLabels = ["app", "name", "app.kubernetes.io/name"];

    protected KubeClient Kube => kube;

    /// <summary>The kind's name in Flagger's messages: "deployment", "daemonset".</summary>
    protected abstract string Noun { get; }

    protected abstract string Kind { get; }

    public Task<JsonObject?> GetAsync(string ns, string name, CancellationToken ct) =>
        kube.GetAsync(Ref(ns, name), ct);

    public async Task<JsonObject> GetRequiredAsync(string ns, string name, CancellationToken ct) =>
        await GetAsync(ns, name, ct) ?? throw new CanaryFailure(
            $"{Noun} {name}.{ns} get query error: {Noun}s.apps \"{name}\" not found", CanaryFailure.TargetNotFound);

    public (string Label, string Value) SelectorLabel(JsonObject workload)
    {
        var matchLabels = workload["spec"]?["selector"]?["matchLabels"] as JsonObject;
        foreach (var label in SelectorLabels)
            if ((string?)matchLabels?[label] is { } value)
                return (label, value);
        throw new CanaryFailure(
            $"{Noun} {workload["metadata"]?["name"]}.{workload["metadata"]?["namespace"]} spec.selector.matchLabels " +
            $"must contain one of [{string.Join(" ", SelectorLabels)}]", CanaryFailure.InvalidSpec, stalled: true);
    }

    /// <summary>The revision of the target: the hash of its pod template.</summary>
    public string TemplateHash(JsonObject workload) => SpecHash.Of(Template(workload));

    public Task<IReadOnlyDictionary<string, ConfigRef>> ConfigsAsync(string ns, JsonObject workload, CancellationToken ct) =>
        configs.GetAsync(ns, workload, ct);

    /// <summary>Creates the primary when it does not exist yet (with the -primary configs); returns it.</summary>
    public async Task<JsonObject> EnsurePrimaryAsync(JsonObject canary, JsonObject target, CancellationToken ct)
    {
        var (ns, name) = NameOf(target);
        if (await GetAsync(ns, name + "-primary", ct) is { } existing)
            return existing;
        var refs = await configs.GetAsync(ns, target, ct);
        await configs.CopyToPrimaryAsync(canary, refs, ct);
        return await kube.ApplyAsync(Primary(canary, target, refs, null), new ApplyOptions { FieldManager = fieldManager }, ct);
    }

    /// <summary>Copies the target's pod spec, configs and rollout settings to the primary.</summary>
    public async Task PromoteAsync(JsonObject canary, JsonObject target, bool autoscaled, CancellationToken ct)
    {
        var (ns, name) = NameOf(target);
        var primary = await GetAsync(ns, name + "-primary", ct) ?? throw new CanaryFailure(
            $"{Noun} {name}-primary.{ns} get query error: {Noun}s.apps \"{name}-primary\" not found");
        var refs = await configs.GetAsync(ns, target, ct);
        await configs.CopyToPrimaryAsync(canary, refs, ct);
        await kube.ApplyAsync(Primary(canary, target, refs, autoscaled ? primary : null),
            new ApplyOptions { FieldManager = fieldManager }, ct);
    }

    public abstract Task ScaleToZeroAsync(JsonObject target, CancellationToken ct);

    /// <summary>Scales the target up for an analysis; <paramref name="autoscalerMin"/>: its autoscaler's minimum.</summary>
    public abstract Task ScaleFromZeroAsync(JsonObject target, int? autoscalerMin, CancellationToken ct);

    /// <summary>revertOnDeletion: the target runs as the primary did (or scales up when there is no primary).</summary>
    public abstract Task RestoreAsync(JsonObject target, JsonObject? primary, CancellationToken ct);

    /// <summary>Why the workload is not ready yet (null: ready); a rollout stuck past its deadline (counted from
    /// <paramref name="since"/> where the kind reports no deadline of its own) is not <paramref name="retriable"/>.</summary>
    public abstract string? NotReady(JsonObject workload, int deadlineSeconds, int readyThreshold, DateTimeOffset since,
        DateTimeOffset now, out bool retriable);

    /// <summary>The primary's spec fields beyond selector and template (replicas, strategies...).</summary>
    /// <param name="primary">The primary as it is, when its replicas belong to an autoscaler; else null.</param>
    protected abstract void CopySpec(JsonObject targetSpec, JsonObject primarySpec, JsonObject? primary);

    /// <summary>The pod template as the primary gets it.</summary>
    protected virtual JsonObject Template(JsonObject workload) => workload["spec"]?["template"] as JsonObject ?? [];

    private JsonObject Primary(JsonObject canary, JsonObject target, IReadOnlyDictionary<string, ConfigRef> refs, JsonObject? primary)
    {
        var (ns, name) = NameOf(target);
        var (label, value) = SelectorLabel(target);
        var primaryValue = value + "-primary";
        var template = Template(target);
        var podAnnotations = CanaryMetadata.WithoutToolkit(template["metadata"]?["annotations"] as JsonObject);
        // A new id on every copy makes the primary roll even when only a ConfigMap changed.
        podAnnotations["flagger-id"] = Guid.NewGuid().ToString();
        var primarySpec = new JsonObject
        {
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
        CopySpec(target["spec"] as JsonObject ?? [], primarySpec, primary);
        return new JsonObject
        {
            ["apiVersion"] = "apps/v1",
            ["kind"] = Kind,
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

    protected static (string Namespace, string Name) NameOf(JsonObject obj) =>
        ((string?)obj["metadata"]?["namespace"] ?? "", (string?)obj["metadata"]?["name"] ?? "");

    protected static void CopyFields(JsonObject from, JsonObject to, params string[] fields)
    {
        foreach (var field in fields)
            if (from[field] is { } value)
                to[field] = value.DeepClone();
    }

    protected ObjectRef Ref(string ns, string name) => new("apps/v1", Kind, ns, name);
}
