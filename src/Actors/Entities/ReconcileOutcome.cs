using System.Text.Json.Nodes;
using Tide.Actors.Watchers;
using Tide.Engine.Artifacts;
using Tide.Engine.Reconcilers;

namespace Tide.Actors.Entities;

/// <summary>What one reconcile did: success or not, the artifact (a source: the one it produced; a consumer: the one
/// it used), and when to run next (the object's interval on success; on failure its retryInterval, or the
/// exponential backoff when <see cref="Backoff"/>; null: only when the object changes, as for configuration errors).</summary>
public sealed record ReconcileOutcome(bool Succeeded, TimeSpan? RequeueAfter, ArtifactLocation? Artifact = null, string Message = "")
{
    /// <summary>A failure retried on the node's exponential backoff (sources, as Flux's rate limiter does) instead of
    /// after exactly <see cref="RequeueAfter"/>.</summary>
    public bool Backoff { get; init; }

    /// <summary>The object as the status write left it on the server (null: nothing written): the entity's copy from
    /// then on, so that the next reconcile starts from what this one wrote, not from an older watch event.</summary>
    public JsonObject? Written { get; init; }

    /// <summary>An exception no failure mapping knew (already written to status as Ready=False): the entity logs it
    /// once, with its stack.</summary>
    public Exception? Error { get; init; }

    /// <summary>Fingerprints of the objects a consumer's apply left, by object (empty for those it pruned; null:
    /// nothing applied this time), so that the watch events of its own writes and deletions are not taken for
    /// drift.</summary>
    public IReadOnlyDictionary<string, string>? Applied { get; init; }

    /// <summary>The kinds a consumer applied (for drift watches).</summary>
    public IReadOnlyList<AppliedKind> AppliedKinds { get; init; } = [];

    /// <summary>Applied, but health checks still wait: check again after this (no full reconcile, no timer held).</summary>
    public TimeSpan? HealthCheckAfter { get; init; }

    /// <summary>The outcome an Engine reconciler's requeue decision means for the entity.</summary>
    public static ReconcileOutcome From(Requeue requeue, ArtifactLocation? artifact = null) => requeue.Mode switch
    {
        RequeueMode.Interval => new ReconcileOutcome(true, requeue.Interval, artifact),
        RequeueMode.Retry => new ReconcileOutcome(false, requeue.Interval, artifact),
        RequeueMode.Backoff => new ReconcileOutcome(false, requeue.Interval, artifact) { Backoff = true },
        RequeueMode.HealthCheck => new ReconcileOutcome(false, null, artifact) { HealthCheckAfter = requeue.Interval },
        _ => new ReconcileOutcome(false, null, artifact),
    };
}
