using Tide.Engine.Artifacts;

namespace Tide.Engine.Reconcilers;

/// <summary>What a reconciliation produced: the status to patch, the events to record and when to run next.</summary>
public sealed record ReconcileResult<TStatus>(TStatus Status, IReadOnlyList<ReconcileEvent> Events, Requeue Requeue)
{
    /// <summary>The source artifact a consumer's reconcile used (read from the source's status when no message had
    /// brought it yet).</summary>
    public ArtifactLocation? Input { get; init; }

    /// <summary>What a consumer's apply left in the cluster: the <see cref="Kube.ObjectFingerprint"/> of each object,
    /// by its <see cref="Kube.ObjectRef"/> text (<see cref="Kube.ObjectFingerprint.Deleted"/> for those it pruned).
    /// Null when nothing was applied.</summary>
    public IReadOnlyDictionary<string, string>? Applied { get; init; }
}
