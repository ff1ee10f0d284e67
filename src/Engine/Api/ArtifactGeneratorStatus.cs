namespace Tide.Engine.Api;

/// <summary>What the generator produced: its ExternalArtifacts and the digest of the sources it read.</summary>
public sealed record ArtifactGeneratorStatus
{
    public string? LastHandledReconcileAt { get; init; }

    public IReadOnlyList<Condition>? Conditions { get; init; }

    public IReadOnlyList<ExternalArtifactReference>? Inventory { get; init; }

    /// <summary>sha256 of the sources' digests, revisions and URLs: unchanged sources need no new build.</summary>
    public string? ObservedSourcesDigest { get; init; }
}
