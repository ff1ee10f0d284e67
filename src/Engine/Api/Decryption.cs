namespace Tide.Engine.Api;

/// <summary>How Secrets are decrypted before they are applied.</summary>
public sealed record Decryption
{
    [SchemaEnum("sops")]
    public required string Provider { get; init; }

    public string? ServiceAccountName { get; init; }

    /// <summary>Secret with the private keys.</summary>
    public LocalObjectReference? SecretRef { get; init; }
}
