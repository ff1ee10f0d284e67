namespace Tide.Engine.Api;

/// <summary>JSON pointers excluded from drift detection, for all objects or the selected ones.</summary>
public sealed record IgnoreRule
{
    public required IReadOnlyList<string> Paths { get; init; }

    public KustomizeSelector? Target { get; init; }
}
