namespace Tide.Engine.Api;

/// <summary>An ExternalArtifact a generator wrote, with the digest and file name of its artifact.</summary>
public sealed record ExternalArtifactReference
{
    public required string Name { get; init; }

    public required string Namespace { get; init; }

    public required string Digest { get; init; }

    public required string Filename { get; init; }
}
