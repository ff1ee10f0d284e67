namespace Tide.Engine.Artifacts;

/// <summary>Where a source's artifact can be fetched and how to check it: revision, digest and url.</summary>
public sealed record ArtifactLocation(string Revision, string Digest, string Url);
