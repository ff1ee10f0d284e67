namespace Tide.Engine.Sources.Oci;

/// <summary>What an OCIRepository reference resolved to: Flux's revision string ("&lt;tag&gt;@sha256:&lt;hex&gt;", or
/// just the digest for a digest reference) and the manifest behind it.</summary>
public sealed record OciResolution(string Revision, string? Tag, OciManifest Manifest);
