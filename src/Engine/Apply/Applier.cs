using System.Text.Json.Nodes;
using Tide.Engine.Kube;

namespace Tide.Engine.Apply;

/// <summary>
/// Server-side applies a set of objects in stages (<see cref="ApplyStage"/>) and reports what changed. Each stage is
/// all or nothing, as in Flux: every object of the stage is first dry-run, and only when all of them pass is any of
/// them written, so an object the API server refuses leaves nothing of its stage half applied (and so nothing that
/// the inventory would not know of). Objects annotated <c>kustomize.toolkit.fluxcd.io/ssa: Ignore</c> or
/// <c>kustomize.toolkit.fluxcd.io/reconcile: disabled</c> (in Git or on the live object) are left alone,
/// <c>IfNotPresent</c> only created, <c>Merge</c> keep the fields other managers set; every other object is first
/// reclaimed from kubectl and other earlier writers (<see cref="FieldTakeover"/>), so Git alone decides its content.
/// </summary>
public sealed class Applier(KubeClient kube)
{
    public async Task<IReadOnlyList<ChangeSetEntry>> ApplyStagedAsync(IEnumerable<JsonObject> objects,
        ApplierOptions options, CancellationToken ct)
    {
        var changes = new List<ChangeSetEntry>();
        foreach (var stage in ApplyStage.Split(objects))
        {
            var plans = new List<Plan>();
            foreach (var obj in stage)
                plans.Add(await PlanAsync(obj, options, ct));
            foreach (var plan in plans)
                changes.Add(plan.Done ?? await ApplyOneAsync(plan, options, ct));
            await WaitForCrdsAsync(stage, options.CrdEstablishTimeout, ct);
        }
        return changes;
    }

    /// <summary>What the apply of one object will do, decided without writing anything: <see cref="Done"/> when
    /// nothing is to be written, otherwise what the write needs.</summary>
    private sealed record Plan(JsonObject Object, ObjectRef Target)
    {
        public ChangeSetEntry? Done { get; init; }
        public JsonObject? Existing { get; init; }
        public JsonObject? Takeover { get; init; }
        public bool Recreate { get; init; }
    }

    /// <summary>Reads the live object and dry-runs the apply; any refusal fails here, before the stage writes.</summary>
    private async Task<Plan> PlanAsync(JsonObject obj, ApplierOptions options, CancellationToken ct)
    {
        var target = ObjectRef.Of(obj);
        if (options.OwnerLabels.Count > 0)
        {
            var metadata = obj["metadata"] as JsonObject ?? throw new ApplyException(target, "metadata is missing");
            var labels = metadata["labels"] as JsonObject ?? (JsonObject)(metadata["labels"] = new JsonObject());
            foreach (var (key, value) in options.OwnerLabels)
                labels[key] = value;
        }
        var plan = new Plan(obj, target);
        if (FluxMetadata.IsExcluded(obj))
            return plan with { Done = new ChangeSetEntry(target, ChangeAction.Skipped) };
        try
        {
            var existing = await kube.GetAsync(target, ct);
            // As in Flux, the live object's own labels and annotations count too (e.g. `kubectl annotate ... reconcile=disabled`).
            if (existing is not null && (FluxMetadata.IsExcluded(existing) || FluxMetadata.Has(obj, FluxMetadata.Ssa, "IfNotPresent")))
                return plan with { Done = ChangeSetEntry.Of(target, ChangeAction.Skipped, existing) };
            plan = plan with { Existing = existing, Takeover = existing is null ? null : FieldTakeover.Patch(existing, obj, options.FieldManager) };
            var dryRun = await kube.ApplyAsync(obj.DeepClone().AsObject(), Apply(options) with { DryRun = true }, ct);
            // An object the apply would not change is not written at all.
            return existing is not null && plan.Takeover is null && SameContent(existing, dryRun)
                ? plan with { Done = ChangeSetEntry.Of(target, ChangeAction.Unchanged, existing) }
                : plan;
        }
        catch (KubeApiException e) when (e.IsInvalid && e.ApiMessage.Contains("immutable", StringComparison.Ordinal))
        {
            var forced = options.Force || FluxMetadata.Has(obj, FluxMetadata.Force, "Enabled");
            if (!forced)
                throw new ApplyException(target, e.ApiMessage +
                    $"; set spec.force: true on the Kustomization, or annotate the object {FluxMetadata.Force}: Enabled, to recreate it", e);
            return plan with { Recreate = true };
        }
        catch (KubeApiException e)
        {
            throw new ApplyException(target, e.ApiMessage, e);
        }
    }

    private async Task<ChangeSetEntry> ApplyOneAsync(Plan plan, ApplierOptions options, CancellationToken ct)
    {
        try
        {
            if (plan.Recreate)
                return ChangeSetEntry.Of(plan.Target, ChangeAction.Created, await RecreateAsync(plan.Target, plan.Object, options, ct));
            var existing = plan.Existing;
            if (plan.Takeover is not null)
            {
                existing = await kube.PatchAsync(plan.Target, plan.Takeover, ct);
                // Taking the fields over may be all there was to do.
                var dryRun = await kube.ApplyAsync(plan.Object.DeepClone().AsObject(), Apply(options) with { DryRun = true }, ct);
                if (SameContent(existing, dryRun))
                    return ChangeSetEntry.Of(plan.Target, ChangeAction.Unchanged, existing);
            }
            var applied = await kube.ApplyAsync(plan.Object, Apply(options), ct);
            var action = existing is null ? ChangeAction.Created
                : ResourceVersion(existing) == ResourceVersion(applied) ? ChangeAction.Unchanged
                : ChangeAction.Configured;
            return ChangeSetEntry.Of(plan.Target, action, applied);
        }
        catch (KubeApiException e)
        {
            throw new ApplyException(plan.Target, e.ApiMessage, e);
        }
    }

    private static ApplyOptions Apply(ApplierOptions options) => new() { FieldManager = options.FieldManager, Force = true };

    /// <summary>Deletes an object whose immutable fields changed, waits until it is gone, and applies it anew.</summary>
    private async Task<JsonObject> RecreateAsync(ObjectRef target, JsonObject obj, ApplierOptions options, CancellationToken ct)
    {
        await kube.DeleteAsync(target, "Background", ct);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(options.CrdEstablishTimeout);
        try
        {
            while (await kube.GetAsync(target, deadline.Token) is not null)
                await Task.Delay(TimeSpan.FromMilliseconds(100), deadline.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new ApplyException(target, $"recreating it: still not deleted after {options.CrdEstablishTimeout.TotalSeconds:0}s (finalizers?)");
        }
        return await kube.ApplyAsync(obj, Apply(options), ct);
    }

    private async Task WaitForCrdsAsync(IReadOnlyList<JsonObject> stage, TimeSpan timeout, CancellationToken ct)
    {
        var crds = stage.Where(o => o["kind"]?.GetValue<string>() == "CustomResourceDefinition").Select(ObjectRef.Of).ToList();
        if (crds.Count == 0)
            return;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(timeout);
        foreach (var crd in crds)
        {
            try
            {
                while (!IsEstablished(await kube.GetAsync(crd, deadline.Token)))
                    await Task.Delay(TimeSpan.FromMilliseconds(100), deadline.Token);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                throw new ApplyException(crd, $"not established after {timeout.TotalSeconds:0}s");
            }
        }
    }

    private static bool IsEstablished(JsonObject? crd) =>
        crd?["status"]?["conditions"] is JsonArray conditions && conditions.OfType<JsonObject>().Any(c =>
            c["type"]?.GetValue<string>() == "Established" && c["status"]?.GetValue<string>() == "True");

    /// <summary>Equal but for what only bookkeeping changes (field ownership, versions).</summary>
    private static bool SameContent(JsonObject live, JsonObject dryRun)
    {
        static string Normalized(JsonObject obj)
        {
            var copy = obj.DeepClone().AsObject();
            if (copy["metadata"] is JsonObject metadata)
            {
                metadata.Remove("managedFields");
                metadata.Remove("resourceVersion");
                metadata.Remove("generation");
            }
            return copy.ToJsonString();
        }
        return Normalized(live) == Normalized(dryRun);
    }

    private static string? ResourceVersion(JsonObject obj) => obj["metadata"]?["resourceVersion"]?.GetValue<string>();
}
