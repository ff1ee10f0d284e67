namespace Tide.Engine.Api;

/// <summary>An inline strategic merge or JSON 6902 patch and the objects it targets.</summary>
public sealed record KustomizePatch
{
    public required string Patch { get; init; }

    public KustomizeSelector? Target { get; init; }
}
