using System.Text.Json.Nodes;
using Tide.Actors.Entities;
using Tide.Engine.Api;
using Tide.Engine.Artifacts;
using Tide.Engine.Generators;

namespace Tide.Actors.Handlers;

/// <summary>
/// Runs the ArtifactGenerator reconciler for its entity within the node's fetch limit, writing status and events as
/// source-watcher; on deletion, removes the ExternalArtifacts it generated and its finalizer.
/// </summary>
public sealed class ArtifactGeneratorHandler(ArtifactGeneratorReconciler reconciler, StatusWriter status, StageLimiter fetches)
    : IReconcileHandler
{
    private readonly SourceHandler<ArtifactGenerator, ArtifactGeneratorStatus> _reconcile = new(status, fetches,
        reconciler.ReconcileAsync, _ => null, (_, _) => Task.CompletedTask,
        new UnexpectedFailure(ConditionReasons.ReconciliationFailed, null), ArtifactGeneratorReconciler.ControllerName);

    public Task<ReconcileOutcome> ReconcileAsync(JsonObject obj, ArtifactLocation? artifact, CancellationToken ct) =>
        _reconcile.ReconcileAsync(obj, artifact, ct);

    public async Task<TimeSpan?> FinalizeAsync(JsonObject obj, CancellationToken ct)
    {
        await reconciler.FinalizeAsync(FluxJson.FromNode<ArtifactGenerator>(obj), ct);
        return null;
    }
}
