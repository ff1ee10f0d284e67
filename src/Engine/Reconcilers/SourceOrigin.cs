using Tide.Engine.Api;
using Tide.Engine.Artifacts;

namespace Tide.Engine.Reconcilers;

/// <summary>
/// What one source kind brings to a reconcile run by <see cref="SourcePipeline"/>: how to reach its origin and tell
/// the revision, whether the settings that shape the artifact changed, how to build the artifact, and how its events
/// and conditions are worded. One instance serves one reconcile (it keeps what the fetch found for the build).
/// </summary>
internal abstract class SourceOrigin : IDisposable
{
    /// <summary>Reaches the origin (and checks it: signatures, includes) and returns the revision it serves.</summary>
    public abstract Task<string> FetchAsync(SourceRun run, CancellationToken cancellationToken);

    /// <summary>After a fetch: whether settings that shape the artifact's content changed since the stored one was
    /// built (Flux's content-config comparison), so that the same revision must be built again.</summary>
    public abstract bool ContentConfigChanged { get; }

    /// <summary>Builds the fetched revision's artifact into the store (<see cref="SourceRun.Store"/>).</summary>
    public abstract Task<Artifact> BuildAsync(SourceRun run, CancellationToken cancellationToken);

    /// <summary>"new upstream revision 'x'": the news that makes a new artifact (ArtifactOutdated, progress).</summary>
    public abstract string NewRevision(string revision);

    /// <summary>The NewArtifact event's message.</summary>
    public abstract string NewArtifactMessage(Artifact built);

    /// <summary>The Succeeded event's message when an unchanged artifact serves again after a failure.</summary>
    public abstract string RecoveredMessage(Artifact artifact);

    /// <summary>Ready's message.</summary>
    public virtual string ReadyMessage(Artifact artifact) => $"stored artifact for revision '{artifact.Revision}'";

    /// <summary>The condition a failure sets, as source-controller does: a failed verification SourceVerified=False,
    /// storage problems StorageOperationFailed=True, the rest FetchFailed=True.</summary>
    public virtual (string Type, bool Status) FailureCondition(ReconcileFailure failure) => failure.Reason switch
    {
        ConditionReasons.VerificationError => (ConditionTypes.SourceVerified, false),
        ConditionReasons.ArchiveOperationFailed => (ConditionTypes.StorageOperationFailed, true),
        _ => (ConditionTypes.FetchFailed, true),
    };

    public virtual void Dispose()
    {
    }
}
