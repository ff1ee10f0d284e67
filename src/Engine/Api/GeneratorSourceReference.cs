namespace Tide.Engine.Api;

/// <summary>A source of an ArtifactGenerator, known in its copy rules by its alias.</summary>
public sealed record GeneratorSourceReference
{
    [SchemaPattern("^[a-z0-9]([a-z0-9_-]*[a-z0-9])?$")]
    [SchemaLength(0, 63)]
    public required string Alias { get; init; }

    [SchemaEnum("Bucket", "GitRepository", "OCIRepository", "HelmChart", "ExternalArtifact")]
    public required string Kind { get; init; }

    public required string Name { get; init; }

    /// <summary>The generator's namespace when not set.</summary>
    public string? Namespace { get; init; }
}
