using Tide.Engine.Api;
using Tide.Engine.Artifacts;

namespace Tide.Engine.Reconcilers;

/// <summary>What a <see cref="SourceOrigin"/> may use during one reconcile: the object's identity and generation, the
/// artifact it served before, the conditions being written, and the store.</summary>
internal sealed record SourceRun(
    ArtifactOwner Owner, long Generation, Artifact? PreviousArtifact, ConditionSet Conditions, ArtifactStore Store,
    SourceReconcilerOptions Options, TimeProvider Time)
{
    /// <summary>The artifact record of a stored tarball serving <paramref name="revision"/>.</summary>
    public Artifact ArtifactOf(StoredArtifact stored, string revision, IReadOnlyDictionary<string, string>? metadata = null) =>
        SourceReconcileSteps.ArtifactOf(stored, revision, Options, Time, metadata);
}
