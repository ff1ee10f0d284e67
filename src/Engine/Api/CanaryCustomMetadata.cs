namespace Tide.Engine.Api;

/// <summary>Labels and annotations added to one of the Services a Canary generates.</summary>
public sealed record CanaryCustomMetadata
{
    public IReadOnlyDictionary<string, string>? Labels { get; init; }

    public IReadOnlyDictionary<string, string>? Annotations { get; init; }
}
