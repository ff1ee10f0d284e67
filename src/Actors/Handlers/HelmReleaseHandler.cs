using System.Text.Json.Nodes;
using Tide.Actors.Entities;
using Tide.Engine.Api;
using Tide.Engine.Artifacts;
using Tide.Engine.HelmReleases;
using Tide.Engine.Kube;
using Tide.Engine.Reconcilers;

namespace Tide.Actors.Handlers;

/// <summary>Runs the HelmRelease reconciler for an entity (within the node's apply limit), writes the status and
/// records the events as helm-controller.</summary>
public sealed class HelmReleaseHandler(HelmReleaseReconciler reconciler, KubeClient kube, StageLimiter applies,
    EventRecorder events, Action<string>? progress = null) : IReconcileHandler
{
    private const string Controller = "helm-controller";

    public async Task<ReconcileOutcome> ReconcileAsync(JsonObject obj, ArtifactLocation? artifact, CancellationToken ct)
    {
        var hr = FluxJson.FromNode<HelmRelease>(obj);
        var result = await applies.RunAsync(() => reconciler.ReconcileAsync(hr, artifact, ct), ct);
        await WriteAsync(obj, result, ct);
        return ReconcileOutcome.From(result.Requeue, result.Input);
    }

    public async Task<ReconcileOutcome> CheckHealthAsync(JsonObject obj, DateTimeOffset waitStarted, CancellationToken ct)
    {
        var hr = FluxJson.FromNode<HelmRelease>(obj);
        var result = await reconciler.CheckHealthAsync(hr, waitStarted, ct);
        await WriteAsync(obj, result, ct);
        return ReconcileOutcome.From(result.Requeue);
    }

    public async Task FinalizeAsync(JsonObject obj, CancellationToken ct)
    {
        var hr = FluxJson.FromNode<HelmRelease>(obj);
        await applies.RunAsync(async () =>
        {
            await reconciler.FinalizeAsync(hr, ct);
            return true;
        }, ct);
        progress?.Invoke($"HelmRelease/{hr.Metadata.NamespaceProperty}/{hr.Metadata.Name}: deleted; release uninstalled");
    }

    private async Task WriteAsync(JsonObject obj, ReconcileResult<HelmReleaseStatus> result, CancellationToken ct)
    {
        var target = ObjectRef.Of(obj);
        await kube.PatchStatusAsync(target, new JsonObject { ["status"] = FluxJson.ToNode(result.Status) }, ct);
        foreach (var e in result.Events)
        {
            progress?.Invoke($"{target}: {e.Message}");
            await events.RecordAsync(obj, e, Controller, ct);
        }
    }
}
