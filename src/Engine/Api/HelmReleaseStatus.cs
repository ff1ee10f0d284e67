namespace Tide.Engine.Api;

/// <summary>What helm-controller records about a HelmRelease: conditions, the release history, the last attempt and
/// its failures.</summary>
public sealed record HelmReleaseStatus
{
    public long? ObservedGeneration { get; init; }

    public string? ObservedPostRenderersDigest { get; init; }

    public string? ObservedCommonMetadataDigest { get; init; }

    public long? LastAttemptedGeneration { get; init; }

    public IReadOnlyList<Condition>? Conditions { get; init; }

    /// <summary>"&lt;namespace&gt;/&lt;name&gt;" of the HelmChart the release's chart comes from.</summary>
    public string? HelmChart { get; init; }

    /// <summary>The namespace the release's storage was last written in.</summary>
    [SchemaLength(1, 63)]
    public string? StorageNamespace { get; init; }

    /// <summary>The newest releases first (the current one, then the ones before, up to maxHistory).</summary>
    public IReadOnlyList<HelmReleaseSnapshot>? History { get; init; }

    /// <summary>The objects of the current release.</summary>
    public ResourceInventory? Inventory { get; init; }

    [SchemaEnum("install", "upgrade")]
    public string? LastAttemptedReleaseAction { get; init; }

    public string? LastAttemptedReleaseActionDuration { get; init; }

    /// <summary>Failed reconciles since the last success.</summary>
    public long? Failures { get; init; }

    public long? InstallFailures { get; init; }

    public long? UpgradeFailures { get; init; }

    /// <summary>The chart version of the last attempt.</summary>
    public string? LastAttemptedRevision { get; init; }

    public string? LastAttemptedRevisionDigest { get; init; }

    public string? LastAttemptedValuesChecksum { get; init; }

    public string? LastAttemptedConfigDigest { get; init; }

    public int? LastReleaseRevision { get; init; }

    public string? LastHandledForceAt { get; init; }

    public string? LastHandledResetAt { get; init; }

    public string? LastHandledReconcileAt { get; init; }
}
