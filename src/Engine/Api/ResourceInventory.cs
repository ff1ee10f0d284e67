namespace Tide.Engine.Api;

/// <summary>The objects a Kustomization applied.</summary>
public sealed record ResourceInventory
{
    public required IReadOnlyList<ResourceRef> Entries { get; init; }
}
