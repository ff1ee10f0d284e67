namespace Tide.Engine.Api;

/// <summary>What the Kustomization reconciler observed and applied.</summary>
public sealed record KustomizationStatus
{
    /// <summary>The last reconcile.fluxcd.io/requestedAt value handled.</summary>
    public string? LastHandledReconcileAt { get; init; }

    public long? ObservedGeneration { get; init; }

    public IReadOnlyList<Condition>? Conditions { get; init; }

    /// <summary>Revision of the last artifact applied successfully.</summary>
    public string? LastAppliedRevision { get; init; }

    public string? LastAppliedOriginRevision { get; init; }

    public string? LastAttemptedRevision { get; init; }

    public ResourceInventory? Inventory { get; init; }

    /// <summary>The last reconciliations, newest first (at most 5).</summary>
    public IReadOnlyList<HistorySnapshot>? History { get; init; }
}
