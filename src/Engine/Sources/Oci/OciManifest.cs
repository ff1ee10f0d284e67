namespace Tide.Engine.Sources.Oci;

/// <summary>An image manifest as pulled: its digest (sha256 of the bytes served), config, layers and annotations.</summary>
public sealed record OciManifest(
    string Digest,
    string MediaType,
    OciDescriptor Config,
    IReadOnlyList<OciDescriptor> Layers,
    IReadOnlyDictionary<string, string> Annotations);
