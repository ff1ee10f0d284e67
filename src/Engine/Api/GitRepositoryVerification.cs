namespace Tide.Engine.Api;

/// <summary>How Git commit or tag signatures are verified.</summary>
public sealed record GitRepositoryVerification
{
    [SchemaEnum("head", "HEAD", "Tag", "TagAndHEAD")]
    [SchemaDefault("\"HEAD\"")]
    public string? Mode { get; init; }

    /// <summary>Secret with trusted public keys (*.asc for PGP, *.sshpub for SSH).</summary>
    public required LocalObjectReference SecretRef { get; init; }
}
