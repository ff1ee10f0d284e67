namespace Tide.Engine.Api;

/// <summary>Which source path to build, how to transform it, and how to apply it.</summary>
public sealed record KustomizationSpec
{
    /// <summary>Labels and annotations added to every applied object.</summary>
    public CommonMetadata? CommonMetadata { get; init; }

    /// <summary>Kustomizations that must be ready before this one is reconciled.</summary>
    public IReadOnlyList<DependencyReference>? DependsOn { get; init; }

    /// <summary>Decrypt Secrets (SOPS) before applying them.</summary>
    public Decryption? Decryption { get; init; }

    [SchemaPattern("^([0-9]+(\\.[0-9]+)?(ms|s|m|h))+$")]
    public required GoDuration Interval { get; init; }

    /// <summary>Interval after a failed reconciliation; Interval when not set.</summary>
    [SchemaPattern("^([0-9]+(\\.[0-9]+)?(ms|s|m|h))+$")]
    public GoDuration? RetryInterval { get; init; }

    /// <summary>Reconcile on a remote cluster.</summary>
    public KubeConfigReference? KubeConfig { get; init; }

    /// <summary>Path in the artifact; its root when not set.</summary>
    public string? Path { get; init; }

    public PostBuild? PostBuild { get; init; }

    /// <summary>Delete objects that left the source.</summary>
    public required bool Prune { get; init; }

    [SchemaEnum("MirrorPrune", "Delete", "WaitForTermination", "Orphan")]
    public string? DeletionPolicy { get; init; }

    public IReadOnlyList<NamespacedObjectKindReference>? HealthChecks { get; init; }

    [SchemaLength(1, 200)]
    public string? NamePrefix { get; init; }

    [SchemaLength(1, 200)]
    public string? NameSuffix { get; init; }

    /// <summary>Strategic merge and JSON 6902 patches.</summary>
    public IReadOnlyList<KustomizePatch>? Patches { get; init; }

    public IReadOnlyList<KustomizeImage>? Images { get; init; }

    /// <summary>ServiceAccount impersonated while applying.</summary>
    public string? ServiceAccountName { get; init; }

    public required CrossNamespaceSourceReference SourceRef { get; init; }

    public bool? Suspend { get; init; }

    [SchemaLength(1, 63)]
    public string? TargetNamespace { get; init; }

    /// <summary>Timeout of apply and health checks; Interval when not set.</summary>
    [SchemaPattern("^([0-9]+(\\.[0-9]+)?(ms|s|m|h))+$")]
    public GoDuration? Timeout { get; init; }

    /// <summary>Recreate objects whose immutable fields changed.</summary>
    [SchemaDefault("false")]
    public bool? Force { get; init; }

    /// <summary>Wait for every applied object to become healthy (HealthChecks are then ignored).</summary>
    public bool? Wait { get; init; }

    [SchemaEnum("originAnnotations", "transformerAnnotations")]
    public IReadOnlyList<string>? BuildMetadata { get; init; }

    /// <summary>Relative paths to kustomize Components.</summary>
    public IReadOnlyList<string>? Components { get; init; }

    public bool? IgnoreMissingComponents { get; init; }

    /// <summary>CEL health checks for custom resources.</summary>
    public IReadOnlyList<CustomHealthCheck>? HealthCheckExprs { get; init; }

    /// <summary>JSON pointers to ignore during drift detection.</summary>
    public IReadOnlyList<IgnoreRule>? Ignore { get; init; }

    /// <summary>Interval after a failure, as Flux computes it.</summary>
    public TimeSpan GetRetryInterval() => RetryInterval?.Value ?? Interval.Value;

    /// <summary>Flux's timeout: spec.timeout, else interval minus 30s, never below 30s.</summary>
    public TimeSpan GetTimeout()
    {
        var timeout = Timeout?.Value ?? Interval.Value - TimeSpan.FromSeconds(30);
        return timeout < TimeSpan.FromSeconds(30) ? TimeSpan.FromSeconds(30) : timeout;
    }
}
