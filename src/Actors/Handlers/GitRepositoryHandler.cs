using System.Text.Json.Nodes;
using Tide.Actors.Entities;
using Tide.Engine.Api;
using Tide.Engine.Artifacts;
using Tide.Engine.Kube;
using Tide.Engine.Reconcilers;

namespace Tide.Actors.Handlers;

/// <summary>Runs the GitRepository reconciler for an entity (within the node's fetch limit), writes the status and
/// hands the artifact to the entity to publish.</summary>
public sealed class GitRepositoryHandler(GitRepositoryReconciler reconciler, KubeClient kube, StageLimiter fetches,
    Action<string>? progress = null) : IReconcileHandler
{
    public async Task<ReconcileOutcome> ReconcileAsync(JsonObject obj, ArtifactLocation? artifact, CancellationToken ct)
    {
        var repository = FluxJson.FromNode<GitRepository>(obj);
        var result = await fetches.RunAsync(() => reconciler.ReconcileAsync(repository, ct), ct);
        await kube.PatchStatusAsync(ObjectRef.Of(obj), new JsonObject { ["status"] = FluxJson.ToNode(result.Status) }, ct);
        foreach (var e in result.Events)
            progress?.Invoke($"GitRepository/{repository.Metadata.NamespaceProperty}/{repository.Metadata.Name}: {e.Message}");
        var stored = result.Status.Artifact is { Digest: { } digest } a ? new ArtifactLocation(a.Revision, digest, a.Url) : null;
        return ReconcileOutcome.From(result.Requeue, stored);
    }

    public Task ForgetAsync(JsonObject lastSeen, CancellationToken ct) =>
        reconciler.DeleteAsync(FluxJson.FromNode<GitRepository>(lastSeen), ct);
}
