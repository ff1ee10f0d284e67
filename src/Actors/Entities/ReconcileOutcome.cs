using Tide.Actors.Watchers;
using Tide.Engine.Artifacts;
using Tide.Engine.Reconcilers;
using Tide.Actors.Sharding;

namespace Tide.Actors.Entities;

/// <summary>What one reconcile did: success or not, the artifact (a source: the one it produced; a consumer: the one
/// it used), and when to run next (the object's interval on success, its retryInterval on failure; null: only when the object changes, as for
/// configuration errors).</summary>
public sealed record ReconcileOutcome(bool Succeeded, TimeSpan? RequeueAfter, ArtifactLocation? Artifact = null, string Message = "")
{
    /// <summary>Fingerprints of the objects a consumer's apply left, by object (null: nothing applied this time), so
    /// that the watch events of its own writes are not taken for drift.</summary>
    public IReadOnlyDictionary<string, string>? Applied { get; init; }

    /// <summary>The kinds a consumer applied (for drift watches).</summary>
    public IReadOnlyList<AppliedKind> AppliedKinds { get; init; } = [];

    /// <summary>Applied, but health checks still wait: check again after this (no full reconcile, no timer held).</summary>
    public TimeSpan? HealthCheckAfter { get; init; }

    /// <summary>The outcome an Engine reconciler's requeue decision means for the entity.</summary>
    public static ReconcileOutcome From(Requeue requeue, ArtifactLocation? artifact = null) => requeue.Mode switch
    {
        RequeueMode.Interval => new ReconcileOutcome(true, requeue.Interval, artifact),
        RequeueMode.Backoff => new ReconcileOutcome(false, requeue.Interval, artifact),
        RequeueMode.HealthCheck => new ReconcileOutcome(false, null, artifact) { HealthCheckAfter = requeue.Interval },
        _ => new ReconcileOutcome(false, null, artifact),
    };
}
