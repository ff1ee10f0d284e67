namespace Tide.Engine.Api;

/// <summary>An object of any kind in any namespace (used by Kustomization healthChecks).</summary>
public sealed record NamespacedObjectKindReference
{
    public string? ApiVersion { get; init; }

    public required string Kind { get; init; }

    public required string Name { get; init; }

    public string? Namespace { get; init; }
}
