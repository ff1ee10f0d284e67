namespace Tide.Engine.Api;

/// <summary>A test hook to run (or, with exclude, to skip), by name.</summary>
public sealed record TestFilter
{
    [SchemaLength(1, 253)]
    public required string Name { get; init; }

    public bool? Exclude { get; init; }
}
