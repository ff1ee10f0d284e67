using System.Text.Json.Nodes;
using Tide.Actors.Entities;
using Tide.Engine.Api;
using Tide.Engine.Artifacts;
using Tide.Engine.Kube;
using Tide.Engine.Reconcilers;

namespace Tide.Actors.Handlers;

/// <summary>
/// Runs a source reconciler (GitRepository, OCIRepository, Bucket) for its entity within the node's fetch limit,
/// writes the status, reports the events, and hands the stored artifact to the entity to publish.
/// </summary>
public sealed class SourceHandler<TSource, TStatus>(
    KubeClient kube,
    StageLimiter fetches,
    Func<TSource, CancellationToken, Task<ReconcileResult<TStatus>>> reconcile,
    Func<TStatus, Artifact?> artifactOf,
    Func<TSource, CancellationToken, Task> forget,
    EventRecorder events,
    Action<string>? progress = null) : IReconcileHandler
{
    public async Task<ReconcileOutcome> ReconcileAsync(JsonObject obj, ArtifactLocation? artifact, CancellationToken ct)
    {
        var source = FluxJson.FromNode<TSource>(obj);
        var target = ObjectRef.Of(obj);
        var result = await fetches.RunAsync(() => reconcile(source, ct), ct);
        await kube.PatchStatusAsync(target, new JsonObject { ["status"] = FluxJson.ToNode(result.Status) }, ct);
        foreach (var e in result.Events)
        {
            progress?.Invoke($"{target}: {e.Message}");
            await events.RecordAsync(obj, e, "source-controller", ct);
        }
        var stored = artifactOf(result.Status) is { Digest: { } digest } a ? new ArtifactLocation(a.Revision, digest, a.Url) : null;
        return ReconcileOutcome.From(result.Requeue, stored);
    }

    public Task ForgetAsync(JsonObject lastSeen, CancellationToken ct) => forget(FluxJson.FromNode<TSource>(lastSeen), ct);
}
