namespace Tide.Engine.Api;

/// <summary>A Secret in the same namespace and, optionally, one of its keys.</summary>
public sealed record SecretKeyReference
{
    public required string Name { get; init; }

    public string? Key { get; init; }
}
