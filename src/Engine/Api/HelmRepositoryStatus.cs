namespace Tide.Engine.Api;

/// <summary>What the HelmRepository reconciler observed and produced.</summary>
public sealed record HelmRepositoryStatus
{
    public long? ObservedGeneration { get; init; }

    public IReadOnlyList<Condition>? Conditions { get; init; }

    /// <summary>The download link of the index artifact (same as artifact.url).</summary>
    public string? Url { get; init; }

    public Artifact? Artifact { get; init; }

    /// <summary>The last reconcile.fluxcd.io/requestedAt value handled.</summary>
    public string? LastHandledReconcileAt { get; init; }
}
