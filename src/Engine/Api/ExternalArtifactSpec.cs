namespace Tide.Engine.Api;

/// <summary>Which object produces the ExternalArtifact (an ArtifactGenerator).</summary>
public sealed record ExternalArtifactSpec
{
    public NamespacedObjectKindReference? SourceRef { get; init; }
}
