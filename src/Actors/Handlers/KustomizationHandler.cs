using System.Text.Json.Nodes;
using Tide.Actors.Entities;
using Tide.Actors.Watchers;
using Tide.Engine.Api;
using Tide.Engine.Artifacts;
using Tide.Engine.Kube;
using Tide.Engine.Reconcilers;

namespace Tide.Actors.Handlers;

/// <summary>Runs the Kustomization reconciler for an entity (within the node's apply limit) and writes the status.</summary>
public sealed class KustomizationHandler(KustomizationReconciler reconciler, KubeClient kube, StageLimiter applies,
    EventRecorder events, Action<string>? progress = null) : IReconcileHandler
{
    public async Task<ReconcileOutcome> ReconcileAsync(JsonObject obj, ArtifactLocation? artifact, CancellationToken ct)
    {
        var ks = FluxJson.FromNode<Kustomization>(obj);
        var result = await applies.RunAsync(() => reconciler.ReconcileAsync(ks, artifact, ct), ct);
        await kube.PatchStatusAsync(ObjectRef.Of(obj), new JsonObject { ["status"] = FluxJson.ToNode(result.Status) }, ct);
        foreach (var e in result.Events)
        {
            progress?.Invoke($"Kustomization/{ks.Metadata.NamespaceProperty}/{ks.Metadata.Name}: {e.Message.Replace("\n", "; ")}");
            await events.RecordAsync(obj, e, "kustomize-controller", ct);
        }
        var appliedKinds = (result.Status.Inventory?.Entries ?? [])
            .Select(e => ObjectRef.FromInventory(e.Id, e.Version))
            .Select(r => new AppliedKind(r.ApiVersion, r.Kind))
            .Distinct()
            .ToList();
        return ReconcileOutcome.From(result.Requeue, result.Input) with { AppliedKinds = appliedKinds, Applied = result.Applied };
    }

    public async Task FinalizeAsync(JsonObject obj, CancellationToken ct)
    {
        var ks = FluxJson.FromNode<Kustomization>(obj);
        var changes = await applies.RunAsync(() => reconciler.FinalizeAsync(ks, ct), ct);
        if (changes.Count > 0)
            progress?.Invoke($"Kustomization/{ks.Metadata.NamespaceProperty}/{ks.Metadata.Name}: deleted; {string.Join("; ", changes)}");
    }

    public async Task<ReconcileOutcome> CheckHealthAsync(JsonObject obj, DateTimeOffset waitStarted, CancellationToken ct)
    {
        var ks = FluxJson.FromNode<Kustomization>(obj);
        var result = await reconciler.CheckHealthAsync(ks, waitStarted, ct);
        await kube.PatchStatusAsync(ObjectRef.Of(obj), new JsonObject { ["status"] = FluxJson.ToNode(result.Status) }, ct);
        foreach (var e in result.Events)
        {
            progress?.Invoke($"Kustomization/{ks.Metadata.NamespaceProperty}/{ks.Metadata.Name}: {e.Message}");
            await events.RecordAsync(obj, e, "kustomize-controller", ct);
        }
        return ReconcileOutcome.From(result.Requeue);
    }
}
