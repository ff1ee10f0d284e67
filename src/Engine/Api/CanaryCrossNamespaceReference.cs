namespace Tide.Engine.Api;

/// <summary>An object in any namespace; the Canary's own when <see cref="Namespace"/> is unset.</summary>
public sealed record CanaryCrossNamespaceReference
{
    public string? ApiVersion { get; init; }

    public string? Kind { get; init; }

    public required string Name { get; init; }

    public string? Namespace { get; init; }
}
