namespace Tide.Engine.Reconcilers;

/// <summary>The data of the Secrets a source names (null when it names none or the Secret does not exist); the
/// caller reads them, so the reconcilers stay free of the Kubernetes API.</summary>
public sealed record ReferencedSecrets
{
    public static ReferencedSecrets None { get; } = new();

    /// <summary>spec.secretRef: '.dockerconfigjson' for an OCIRepository, 'accesskey'/'secretkey' for a Bucket.</summary>
    public IReadOnlyDictionary<string, byte[]>? Auth { get; init; }

    /// <summary>spec.certSecretRef: 'ca.crt', and 'tls.crt' with 'tls.key'.</summary>
    public IReadOnlyDictionary<string, byte[]>? Cert { get; init; }

    /// <summary>spec.proxySecretRef: 'address', 'username', 'password'.</summary>
    public IReadOnlyDictionary<string, byte[]>? Proxy { get; init; }

    /// <summary>spec.verify.secretRef: armored PGP public key rings for a GitRepository, PEM cosign public keys
    /// ('*.pub') for an OCIRepository.</summary>
    public IReadOnlyDictionary<string, byte[]>? Verification { get; init; }
}
