namespace Tide.Engine.Api;

/// <summary>The chart source of a HelmRelease's chart template, in any namespace.</summary>
public sealed record CrossNamespaceObjectReference
{
    public string? ApiVersion { get; init; }

    [SchemaEnum("HelmRepository", "GitRepository", "Bucket")]
    public required string Kind { get; init; }

    [SchemaLength(1, 253)]
    public required string Name { get; init; }

    /// <summary>The HelmRelease's namespace when not set.</summary>
    [SchemaLength(1, 63)]
    public string? Namespace { get; init; }
}
