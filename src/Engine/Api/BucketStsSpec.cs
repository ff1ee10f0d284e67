namespace Tide.Engine.Api;

/// <summary>A security token service that issues temporary credentials for a Bucket.</summary>
public sealed record BucketStsSpec
{
    [SchemaEnum("aws", "ldap")]
    public required string Provider { get; init; }

    [SchemaPattern("^(http|https)://.*$")]
    public required string Endpoint { get; init; }

    /// <summary>Secret with the STS credentials (ldap provider).</summary>
    public LocalObjectReference? SecretRef { get; init; }

    /// <summary>Secret with ca.crt and/or tls.crt/tls.key for the STS endpoint's TLS.</summary>
    public LocalObjectReference? CertSecretRef { get; init; }
}
