namespace Tide.Engine.Api;

/// <summary>The sources to read and the artifacts to generate from them.</summary>
public sealed record ArtifactGeneratorSpec
{
    /// <summary>Labels and annotations set on every generated ExternalArtifact.</summary>
    public CommonMetadata? CommonMetadata { get; init; }

    public required IReadOnlyList<GeneratorSourceReference> Sources { get; init; }

    /// <summary>"@alias/apps/{app}": one set of artifacts per matching directory (Flux 2.9).</summary>
    [SchemaPattern("^@([a-z0-9]([a-z0-9_-]*[a-z0-9])?)/(.*)$")]
    [SchemaLength(0, 1024)]
    public string? PathPattern { get; init; }

    public required IReadOnlyList<OutputArtifact> Artifacts { get; init; }
}
