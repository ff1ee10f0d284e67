namespace Tide.Engine.Api;

/// <summary>An image name and its replacement name, tag or digest.</summary>
public sealed record KustomizeImage
{
    public required string Name { get; init; }

    public string? NewName { get; init; }

    public string? NewTag { get; init; }

    /// <summary>When set, NewTag is ignored.</summary>
    public string? Digest { get; init; }
}
