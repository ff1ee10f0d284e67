namespace Tide.Engine.Api;

/// <summary>The chat service and its address (or a Secret whose 'address' key holds it, with an optional 'token').</summary>
public sealed record AlertProviderSpec
{
    [SchemaEnum("slack", "msteams", "discord", "rocket", "gchat")]
    public required string Type { get; init; }

    public string? Channel { get; init; }

    public string? Username { get; init; }

    public string? Address { get; init; }

    public string? Proxy { get; init; }

    public LocalObjectReference? SecretRef { get; init; }
}
