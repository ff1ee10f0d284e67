namespace Tide.Engine.Api;

/// <summary>What the GitRepository reconciler observed and produced.</summary>
public sealed record GitRepositoryStatus
{
    public long? ObservedGeneration { get; init; }

    public IReadOnlyList<Condition>? Conditions { get; init; }

    public Artifact? Artifact { get; init; }

    public IReadOnlyList<Artifact>? IncludedArtifacts { get; init; }

    public string? ObservedIgnore { get; init; }

    /// <summary>The spec.recurseSubmodules the artifact was built with (left out when false).</summary>
    public bool? ObservedRecurseSubmodules { get; init; }

    public IReadOnlyList<GitRepositoryInclude>? ObservedInclude { get; init; }

    public IReadOnlyList<string>? ObservedSparseCheckout { get; init; }

    public string? SourceVerificationMode { get; init; }

    /// <summary>The last reconcile.fluxcd.io/requestedAt value handled.</summary>
    public string? LastHandledReconcileAt { get; init; }
}
