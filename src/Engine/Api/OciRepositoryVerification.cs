using System.Text.Json.Serialization;

namespace Tide.Engine.Api;

/// <summary>How to verify the artifact's signature (cosign or notation).</summary>
public sealed record OciRepositoryVerification
{
    [SchemaEnum("cosign", "notation")]
    [SchemaDefault("\"cosign\"")]
    public required string Provider { get; init; }

    /// <summary>Secret with the trusted public keys or certificates.</summary>
    public LocalObjectReference? SecretRef { get; init; }

    /// <summary>Keyless verification: the OIDC issuer and subject (regular expressions) a signature must match.</summary>
    [JsonPropertyName("matchOIDCIdentity")]
    public IReadOnlyList<OidcIdentityMatch>? MatchOidcIdentity { get; init; }
}
