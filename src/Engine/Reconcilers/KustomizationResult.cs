using Tide.Engine.Api;
using Tide.Engine.Apply;

namespace Tide.Engine.Reconcilers;

/// <summary>The outcome of one Kustomization reconcile: the status to write, what changed, and when to run next.</summary>
public sealed record KustomizationResult(
    KustomizationStatus Status,
    bool Succeeded,
    TimeSpan RequeueAfter,
    IReadOnlyList<ChangeSetEntry> Changes,
    string Message);
