using System.Text.Json.Nodes;
using Tide.Actors.Entities;
using Tide.Engine.Api;
using Tide.Engine.Artifacts;
using Tide.Engine.HelmReleases;
using Tide.Engine.Reconcilers;

namespace Tide.Actors.Handlers;

/// <summary>Runs the HelmRelease reconciler for an entity (within the node's apply limit) and writes the status,
/// whatever happened, as helm-controller.</summary>
public sealed class HelmReleaseHandler(HelmReleaseReconciler reconciler, StatusWriter status, StageLimiter applies,
    Action<string>? progress = null) : IReconcileHandler
{
    private const string Controller = "helm-controller";

    public async Task<ReconcileOutcome> ReconcileAsync(JsonObject obj, ArtifactLocation? artifact, CancellationToken ct)
    {
        var hr = FluxJson.FromNode<HelmRelease>(obj);
        ReconcileResult<HelmReleaseStatus> result;
        try
        {
            result = await applies.RunAsync(() => reconciler.ReconcileAsync(hr, artifact, ct), ct);
        }
        catch (Exception e) when (StatusWriter.IsUnexpected(e, ct))
        {
            var failed = await status.WriteUnexpectedFailureAsync(obj, e, UnexpectedFailure.Kustomization, Controller);
            return ReconcileOutcome.From(Requeue.WithBackoff(hr.Spec.Interval.Value), artifact) with { Written = failed, Error = e, Message = e.Message };
        }
        var written = await status.WriteAsync(obj, FluxJson.ToNode(result.Status), result.Events, Controller);
        return ReconcileOutcome.From(result.Requeue, result.Input) with { Written = written };
    }

    public async Task<ReconcileOutcome> CheckHealthAsync(JsonObject obj, DateTimeOffset waitStarted, CancellationToken ct)
    {
        var hr = FluxJson.FromNode<HelmRelease>(obj);
        var result = await reconciler.CheckHealthAsync(hr, waitStarted, ct);
        var written = await status.WriteAsync(obj, FluxJson.ToNode(result.Status), result.Events, Controller);
        return ReconcileOutcome.From(result.Requeue) with { Written = written };
    }

    public async Task<TimeSpan?> FinalizeAsync(JsonObject obj, CancellationToken ct)
    {
        var hr = FluxJson.FromNode<HelmRelease>(obj);
        await applies.RunAsync(async () =>
        {
            await reconciler.FinalizeAsync(hr, ct);
            return true;
        }, ct);
        progress?.Invoke($"HelmRelease/{hr.Metadata.NamespaceProperty}/{hr.Metadata.Name}: deleted; release uninstalled");
        return null;
    }
}
