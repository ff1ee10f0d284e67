namespace Tide.Engine.Api;

/// <summary>Which chart, of which version, from which source.</summary>
public sealed record HelmChartSpec
{
    /// <summary>The chart's name in a HelmRepository, or its path in a GitRepository or Bucket.</summary>
    public required string Chart { get; init; }

    /// <summary>A semver range (Masterminds rules, as Helm); '*' (the latest) when not set. Ignored for Git and
    /// Bucket sources.</summary>
    [SchemaDefault("\"*\"")]
    public string? Version { get; init; }

    public required LocalHelmChartSourceReference SourceRef { get; init; }

    [SchemaPattern("^([0-9]+(\\.[0-9]+)?(ms|s|m|h))+$")]
    public required GoDuration Interval { get; init; }

    /// <summary>ChartVersion: a new artifact when the chart's version changes; Revision: also when the source's
    /// revision does (Git and Bucket sources).</summary>
    [SchemaEnum(HelmChart.StrategyChartVersion, HelmChart.StrategyRevision)]
    [SchemaDefault("\"ChartVersion\"")]
    public string? ReconcileStrategy { get; init; }

    /// <summary>Values files of the chart, merged in order into its values.yaml in the packaged artifact.</summary>
    public IReadOnlyList<string>? ValuesFiles { get; init; }

    /// <summary>Skip values files that do not exist instead of failing.</summary>
    public bool? IgnoreMissingValuesFiles { get; init; }

    public bool? Suspend { get; init; }

    /// <summary>Signature verification of an OCI chart.</summary>
    public OciRepositoryVerification? Verify { get; init; }

    /// <summary>The reconcile strategy, with Flux's default.</summary>
    public string GetReconcileStrategy() => ReconcileStrategy ?? HelmChart.StrategyChartVersion;

    /// <summary>The version range, with Flux's default of any version.</summary>
    public string GetVersion() => Version is { Length: > 0 } v ? v : "*";
}
