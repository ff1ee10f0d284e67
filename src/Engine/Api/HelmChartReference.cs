namespace Tide.Engine.Api;

/// <summary>spec.chartRef: an existing HelmChart or OCIRepository holding the chart.</summary>
public sealed record HelmChartReference
{
    public string? ApiVersion { get; init; }

    [SchemaEnum("OCIRepository", "HelmChart", "ExternalArtifact")]
    public required string Kind { get; init; }

    [SchemaLength(1, 253)]
    public required string Name { get; init; }

    [SchemaLength(1, 63)]
    public string? Namespace { get; init; }
}
