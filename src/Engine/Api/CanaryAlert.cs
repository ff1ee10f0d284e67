namespace Tide.Engine.Api;

/// <summary>Where a Canary's alerts go: an AlertProvider, for alerts of this severity or worse.</summary>
public sealed record CanaryAlert
{
    public required string Name { get; init; }

    [SchemaEnum("", "info", "warn", "error")]
    public string? Severity { get; init; }

    public required CanaryCrossNamespaceReference ProviderRef { get; init; }
}
