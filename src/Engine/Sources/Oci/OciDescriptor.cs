namespace Tide.Engine.Sources.Oci;

/// <summary>An OCI content descriptor: what a manifest says about a blob.</summary>
public sealed record OciDescriptor(
    string MediaType, string Digest, long Size, IReadOnlyDictionary<string, string>? Annotations = null);
