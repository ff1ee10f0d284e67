namespace Tide.Engine.Api;

/// <summary>The spec of the HelmChart a HelmRelease creates; its source may be in another namespace.</summary>
public sealed record HelmChartTemplateSpec
{
    [SchemaLength(1, 2048)]
    public required string Chart { get; init; }

    [SchemaDefault("\"*\"")]
    public string? Version { get; init; }

    public required CrossNamespaceObjectReference SourceRef { get; init; }

    /// <summary>The HelmChart's interval; the HelmRelease's when not set.</summary>
    [SchemaPattern("^([0-9]+(\\.[0-9]+)?(ms|s|m|h))+$")]
    public GoDuration? Interval { get; init; }

    [SchemaEnum(HelmChart.StrategyChartVersion, HelmChart.StrategyRevision)]
    [SchemaDefault("\"ChartVersion\"")]
    public string? ReconcileStrategy { get; init; }

    public IReadOnlyList<string>? ValuesFiles { get; init; }

    public bool? IgnoreMissingValuesFiles { get; init; }

    public OciRepositoryVerification? Verify { get; init; }
}
