using Tide.Engine.Api;

namespace Tide.Actors.Handlers;

/// <summary>How a kind reports a reconcile that failed in a way no failure mapping knows: Flux's reason for a
/// failure of the kind's main work, and the abnormal condition it sets besides Ready (null: none).</summary>
public sealed record UnexpectedFailure(string Reason, string? Condition)
{
    /// <summary>kustomize-controller's reason for a failed reconcile.</summary>
    public static UnexpectedFailure Kustomization { get; } = new(ConditionReasons.ReconciliationFailed, null);

    /// <summary>source-controller's: the kind's fetch failure (e.g. GitOperationFailed), as FetchFailed=True.</summary>
    public static UnexpectedFailure Source(string reason) => new(reason, ConditionTypes.FetchFailed);
}
