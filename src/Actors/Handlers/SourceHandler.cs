using System.Text.Json.Nodes;
using Tide.Actors.Entities;
using Tide.Engine.Api;
using Tide.Engine.Artifacts;
using Tide.Engine.Reconcilers;

namespace Tide.Actors.Handlers;

/// <summary>
/// Runs a source reconciler (GitRepository, OCIRepository, Bucket) for its entity within the node's fetch limit,
/// writes the status whatever happened (<paramref name="unexpected"/> says how the kind reports an exception its
/// reconciler did not map), and hands the stored artifact to the entity to publish.
/// </summary>
public sealed class SourceHandler<TSource, TStatus>(
    StatusWriter status,
    StageLimiter fetches,
    Func<TSource, CancellationToken, Task<ReconcileResult<TStatus>>> reconcile,
    Func<TStatus, Artifact?> artifactOf,
    Func<TSource, CancellationToken, Task> forget,
    UnexpectedFailure unexpected,
    string controller = "source-controller") : IReconcileHandler
{
    public async Task<ReconcileOutcome> ReconcileAsync(JsonObject obj, ArtifactLocation? artifact, CancellationToken ct)
    {
        var source = FluxJson.FromNode<TSource>(obj);
        ReconcileResult<TStatus> result;
        try
        {
            result = await fetches.RunAsync(() => reconcile(source, ct), ct);
        }
        catch (Exception e) when (StatusWriter.IsUnexpected(e, ct))
        {
            var failed = await status.WriteUnexpectedFailureAsync(obj, e, unexpected, controller);
            // The interval plays no part in a backoff: the node's backoff settings decide.
            return ReconcileOutcome.From(Requeue.WithBackoff(TimeSpan.Zero)) with { Written = failed, Error = e, Message = e.Message };
        }
        var written = await status.WriteAsync(obj, FluxJson.ToNode(result.Status!), result.Events, controller);
        var stored = artifactOf(result.Status) is { Digest: { } digest } a ? new ArtifactLocation(a.Revision, digest, a.Url) : null;
        return ReconcileOutcome.From(result.Requeue, stored) with { Written = written };
    }

    public Task ForgetAsync(JsonObject lastSeen, CancellationToken ct) => forget(FluxJson.FromNode<TSource>(lastSeen), ct);
}
