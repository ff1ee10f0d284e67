namespace Tide.Engine.Api;

/// <summary>Labels and annotations set on every applied object.</summary>
public sealed record CommonMetadata
{
    public IReadOnlyDictionary<string, string>? Annotations { get; init; }

    public IReadOnlyDictionary<string, string>? Labels { get; init; }
}
