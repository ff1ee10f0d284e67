namespace Tide.Engine.Api;

/// <summary>A Kustomization this one waits for, with an optional CEL readiness expression.</summary>
public sealed record DependencyReference
{
    public required string Name { get; init; }

    public string? Namespace { get; init; }

    public string? ReadyExpr { get; init; }
}
