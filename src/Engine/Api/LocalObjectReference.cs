namespace Tide.Engine.Api;

/// <summary>A reference to an object in the same namespace.</summary>
public sealed record LocalObjectReference
{
    public required string Name { get; init; }
}
