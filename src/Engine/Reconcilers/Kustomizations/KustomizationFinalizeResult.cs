using Tide.Engine.Apply;
using Tide.Engine.Kube;

namespace Tide.Engine.Reconcilers.Kustomizations;

/// <summary>One round of a Kustomization's deletion: what it deleted, and what still exists while deletionPolicy
/// WaitForTermination keeps the finalizer (empty: the finalizer is gone).</summary>
public sealed record KustomizationFinalizeResult(IReadOnlyList<ChangeSetEntry> Changes, IReadOnlyList<ObjectRef> Terminating);
