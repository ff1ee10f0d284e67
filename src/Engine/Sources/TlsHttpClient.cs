using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Tide.Engine.Sources;

/// <summary>
/// An HttpClient for a source's certSecretRef (Flux's keys): 'ca.crt' replaces the system roots for verifying the
/// server, 'tls.crt' with 'tls.key' is presented as the client certificate.
/// </summary>
public static class TlsHttpClient
{
    public const string CaKey = "ca.crt";
    public const string CertificateKey = "tls.crt";
    public const string PrivateKeyKey = "tls.key";

    /// <exception cref="SourceFetchException">The Secret's certificates do not parse.</exception>
    public static HttpClient Create(IReadOnlyDictionary<string, byte[]> secretData, string secretName) =>
        new(CreateHandler(secretData, secretName), disposeHandler: true);

    /// <summary>The handler behind <see cref="Create"/>, for callers that configure more of it (a proxy).</summary>
    /// <exception cref="SourceFetchException">The Secret's certificates do not parse.</exception>
    public static SocketsHttpHandler CreateHandler(IReadOnlyDictionary<string, byte[]> secretData, string secretName)
    {
        var handler = new SocketsHttpHandler();
        try
        {
            if (secretData.TryGetValue(CaKey, out var ca))
            {
                var roots = new X509Certificate2Collection();
                roots.ImportFromPem(System.Text.Encoding.UTF8.GetString(ca));
                if (roots.Count == 0)
                    throw new SourceFetchException(Api.ConditionReasons.AuthenticationFailed, $"no certificate in '{CaKey}' of secret '{secretName}'");
                handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
                    certificate is X509Certificate2 presented && VerifiesAgainst(roots, presented, errors);
            }
            if (secretData.TryGetValue(CertificateKey, out var cert) && secretData.TryGetValue(PrivateKeyKey, out var key))
                handler.SslOptions.ClientCertificates = [X509Certificate2.CreateFromPem(
                    System.Text.Encoding.UTF8.GetString(cert), System.Text.Encoding.UTF8.GetString(key))];
        }
        catch (System.Security.Cryptography.CryptographicException e)
        {
            handler.Dispose();
            throw new SourceFetchException(Api.ConditionReasons.AuthenticationFailed,
                $"failed to read TLS certificates from secret '{secretName}': {e.Message}", inner: e);
        }
        return handler;
    }

    /// <summary>The chain must end in one of <paramref name="roots"/> and the name must match the host.</summary>
    private static bool VerifiesAgainst(X509Certificate2Collection roots, X509Certificate2 certificate, SslPolicyErrors errors)
    {
        if ((errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0 || (errors & SslPolicyErrors.RemoteCertificateNotAvailable) != 0)
            return false;
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(certificate);
    }
}
