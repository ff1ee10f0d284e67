using Tide.Actors.Watchers;
using Tide.Engine.Artifacts;
using Tide.Actors.Sharding;

namespace Tide.Actors.Entities;

/// <summary>What one reconcile did: success or not, the source artifact it produced (sources only), and when to run
/// next (the object's interval on success, its retryInterval on failure).</summary>
public sealed record ReconcileOutcome(bool Succeeded, TimeSpan RequeueAfter, ArtifactLocation? Artifact = null, string Message = "")
{
    /// <summary>The kinds a consumer applied (for drift watches).</summary>
    public IReadOnlyList<AppliedKind> AppliedKinds { get; init; } = [];
}
