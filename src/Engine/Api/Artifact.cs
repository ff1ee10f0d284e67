namespace Tide.Engine.Api;

/// <summary>The output of a source reconciliation (fluxcd/pkg apis/meta Artifact).</summary>
public sealed record Artifact
{
    /// <summary>"&lt;algorithm&gt;:&lt;checksum&gt;" of the tarball, e.g. "sha256:4f1c...".</summary>
    [SchemaPattern("^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$")]
    public required string Digest { get; init; }

    /// <summary>Path of the file relative to the root of the artifact storage.</summary>
    public required string Path { get; init; }

    /// <summary>HTTP address of the file as served by the node that owns the source.</summary>
    public required string Url { get; init; }

    /// <summary>Identifier traceable in the origin, e.g. "main@sha1:&lt;commit&gt;".</summary>
    public required string Revision { get; init; }

    public required DateTimeOffset LastUpdateTime { get; init; }

    /// <summary>Number of bytes in the file.</summary>
    public long? Size { get; init; }

    /// <summary>Upstream information such as OCI annotations.</summary>
    public IReadOnlyDictionary<string, string>? Metadata { get; init; }
}
