namespace Tide.Engine.Api;

/// <summary>A copy rule of an ArtifactGenerator: from "@alias/glob" to "@artifact/path", with cp's semantics.</summary>
public sealed record CopyOperation
{
    public const string Overwrite = "Overwrite";
    public const string Merge = "Merge";
    public const string Extract = "Extract";

    [SchemaPattern("^@([a-z0-9]([a-z0-9_-]*[a-z0-9])?)/(.*)$")]
    public required string From { get; init; }

    [SchemaPattern("^@(artifact)/(.*)$")]
    public required string To { get; init; }

    public IReadOnlyList<string>? Exclude { get; init; }

    [SchemaEnum(Overwrite, Merge, Extract)]
    public string? Strategy { get; init; }
}
