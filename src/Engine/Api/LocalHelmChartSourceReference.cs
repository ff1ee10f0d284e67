namespace Tide.Engine.Api;

/// <summary>The source of a HelmChart, in the HelmChart's namespace.</summary>
public sealed record LocalHelmChartSourceReference
{
    public string? ApiVersion { get; init; }

    [SchemaEnum("HelmRepository", "GitRepository", "Bucket")]
    public required string Kind { get; init; }

    public required string Name { get; init; }
}
