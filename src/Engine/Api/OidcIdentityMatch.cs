namespace Tide.Engine.Api;

/// <summary>An OIDC issuer and subject, each a regular expression, that a keyless signature must match.</summary>
public sealed record OidcIdentityMatch
{
    public required string Issuer { get; init; }

    public required string Subject { get; init; }
}
