namespace Tide.Engine.Api;

/// <summary>An object in the Canary's namespace (Flagger's LocalObjectReference).</summary>
public sealed record CanaryTargetReference
{
    public string? ApiVersion { get; init; }

    public string? Kind { get; init; }

    public required string Name { get; init; }
}
