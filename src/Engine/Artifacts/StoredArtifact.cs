namespace Tide.Engine.Artifacts;

/// <summary>A tarball in the store: its path relative to the store root, "sha256:&lt;hex&gt;" digest and size.</summary>
public sealed record StoredArtifact(string Path, string Digest, long Size);
