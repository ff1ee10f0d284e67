namespace Tide.Engine.Api;

/// <summary>One ExternalArtifact to generate: its name, where its revision comes from, and its copy rules.</summary>
public sealed record OutputArtifact
{
    public required string Name { get; init; }

    /// <summary>"@alias": take that source's revision instead of "latest@&lt;digest&gt;".</summary>
    [SchemaPattern("^@([a-z0-9]([a-z0-9_-]*[a-z0-9])?)$")]
    public string? Revision { get; init; }

    /// <summary>"@alias": record that source's (origin) revision in the artifact's metadata.</summary>
    [SchemaPattern("^@([a-z0-9]([a-z0-9_-]*[a-z0-9])?)$")]
    public string? OriginRevision { get; init; }

    public required IReadOnlyList<CopyOperation> Copy { get; init; }
}
