using System.Text.Json.Nodes;
using Tide.Engine.Kube;

namespace Tide.Engine.Apply;

/// <summary>
/// Server-side applies a set of objects in stages (<see cref="ApplyStage"/>) and reports what changed. Objects
/// annotated <c>kustomize.toolkit.fluxcd.io/ssa: Ignore</c> or <c>kustomize.toolkit.fluxcd.io/reconcile: disabled</c>
/// (in Git or on the live object) are left alone, <c>IfNotPresent</c> only created,
/// <c>Merge</c> keep the fields other managers set; every other object is first reclaimed from kubectl and other
/// earlier writers (<see cref="FieldTakeover"/>), so Git alone decides its content.
/// </summary>
public sealed class Applier(KubeClient kube)
{

    public async Task<IReadOnlyList<ChangeSetEntry>> ApplyStagedAsync(IEnumerable<JsonObject> objects,
        ApplierOptions options, CancellationToken ct)
    {
        var changes = new List<ChangeSetEntry>();
        foreach (var stage in ApplyStage.Split(objects))
        {
            foreach (var obj in stage)
                changes.Add(await ApplyOneAsync(obj, options, ct));
            await WaitForCrdsAsync(stage, options.CrdEstablishTimeout, ct);
        }
        return changes;
    }

    private async Task<ChangeSetEntry> ApplyOneAsync(JsonObject obj, ApplierOptions options, CancellationToken ct)
    {
        var target = ObjectRef.Of(obj);
        if (options.OwnerLabels.Count > 0)
        {
            var metadata = obj["metadata"] as JsonObject ?? throw new ApplyException(target, "metadata is missing");
            var labels = metadata["labels"] as JsonObject ?? (JsonObject)(metadata["labels"] = new JsonObject());
            foreach (var (key, value) in options.OwnerLabels)
                labels[key] = value;
        }
        if (FluxMetadata.IsExcluded(obj))
            return new ChangeSetEntry(target, ChangeAction.Skipped);
        try
        {
            var existing = await kube.GetAsync(target, ct);
            // As in Flux, the live object's own labels and annotations count too (e.g. `kubectl annotate ... reconcile=disabled`).
            if (existing is not null && (FluxMetadata.IsExcluded(existing) || FluxMetadata.Has(obj, FluxMetadata.Ssa, "IfNotPresent")))
                return new ChangeSetEntry(target, ChangeAction.Skipped) { Fingerprint = ObjectFingerprint.Of(existing) };
            if (existing is not null && FieldTakeover.Patch(existing, obj, options.FieldManager) is { } takeover)
                existing = await kube.PatchAsync(target, takeover, ct);
            var apply = new ApplyOptions { FieldManager = options.FieldManager, Force = true };
            if (existing is not null)
            {
                // A server-side dry run first: an object the apply would not change is not written at all.
                var dryRun = await kube.ApplyAsync(obj.DeepClone().AsObject(), apply with { DryRun = true }, ct);
                if (SameContent(existing, dryRun))
                    return new ChangeSetEntry(target, ChangeAction.Unchanged) { Fingerprint = ObjectFingerprint.Of(existing) };
            }
            var applied = await kube.ApplyAsync(obj, apply, ct);
            var action = existing is null ? ChangeAction.Created
                : ResourceVersion(existing) == ResourceVersion(applied) ? ChangeAction.Unchanged
                : ChangeAction.Configured;
            return new ChangeSetEntry(target, action) { Fingerprint = ObjectFingerprint.Of(applied) };
        }
        catch (KubeApiException e) when (e.IsInvalid && e.ApiMessage.Contains("immutable", StringComparison.Ordinal))
        {
            var forced = options.Force || FluxMetadata.Has(obj, FluxMetadata.Force, "Enabled");
            if (!forced)
                throw new ApplyException(target, e.ApiMessage +
                    $"; set spec.force: true on the Kustomization, or annotate the object {FluxMetadata.Force}: Enabled, to recreate it", e);
            var recreated = await RecreateAsync(target, obj, options, ct);
            return new ChangeSetEntry(target, ChangeAction.Created) { Fingerprint = ObjectFingerprint.Of(recreated) };
        }
        catch (KubeApiException e)
        {
            throw new ApplyException(target, e.ApiMessage, e);
        }
    }

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
        return await kube.ApplyAsync(obj, new ApplyOptions { FieldManager = options.FieldManager, Force = true }, ct);
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
