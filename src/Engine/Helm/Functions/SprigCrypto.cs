using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Tide.Engine.Helm.Template;
using P = Tide.Engine.Helm.Template.GoParam;

namespace Tide.Engine.Helm.Functions;

/// <summary>Sprig v3 certificate and key generation (random output by nature): genCA, genSelfSignedCert,
/// genSignedCert, genPrivateKey.</summary>
public static class SprigCrypto
{
    public static IEnumerable<GoFunction> All() =>
    [
        GoFunction.Fixed("genPrivateKey", a => GenPrivateKey((string)a[0]!), P.String),
        GoFunction.Fixed("genCA", a => Generate((string)a[0]!, null, null, (int)a[1]!, ca: true, signer: null), P.String, P.Int),
        GoFunction.Fixed("genSelfSignedCert", a => Generate((string)a[0]!, a[1] as List<object?>, a[2] as List<object?>, (int)a[3]!, ca: false, signer: null), P.String, P.List, P.List, P.Int),
        GoFunction.Fixed("genSignedCert", a => Generate((string)a[0]!, a[1] as List<object?>, a[2] as List<object?>, (int)a[3]!, ca: false, signer: a[4] as Certificate), P.String, P.List, P.List, P.Int, P.Any),
        GoFunction.Fixed("buildCustomCert", a => new Certificate(GoCast.StrVal(a[0]), GoCast.StrVal(a[1])), P.String, P.String),
    ];

    private static string GenPrivateKey(string type) => type switch
    {
        "ecdsa" => ECDsa.Create(ECCurve.NamedCurves.nistP256).ExportECPrivateKeyPem(),
        "ed25519" => "",
        _ => RSA.Create(type == "dsa" ? 2048 : 4096).ExportRSAPrivateKeyPem(),
    };

    private static Certificate Generate(string cn, List<object?>? ips, List<object?>? dns, int days, bool ca, Certificate? signer)
    {
        using var key = RSA.Create(2048);
        var req = new CertificateRequest("CN=" + cn, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        req.CertificateExtensions.Add(new X509BasicConstraintsExtension(ca, false, 0, true));
        req.CertificateExtensions.Add(new X509KeyUsageExtension(
            ca ? X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment
               : X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
        if (!ca)
        {
            var san = new SubjectAlternativeNameBuilder();
            foreach (var ip in ips ?? [])
                if (ip is string s && System.Net.IPAddress.TryParse(s, out var addr)) san.AddIpAddress(addr);
            foreach (var d in dns ?? [])
                if (d is string s) san.AddDnsName(s);
            req.CertificateExtensions.Add(san.Build());
            req.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], false));
        }
        var notBefore = DateTimeOffset.UtcNow;
        var notAfter = notBefore.AddDays(days);
        X509Certificate2 cert;
        if (signer is not null && signer.Cert.Length > 0)
        {
            using var issuer = X509Certificate2.CreateFromPem(signer.Cert, signer.Key);
            cert = req.Create(issuer, notBefore, notAfter, RandomNumberGenerator.GetBytes(16));
        }
        else
        {
            cert = req.CreateSelfSigned(notBefore, notAfter);
        }
        return new Certificate(cert.ExportCertificatePem() + "\n", key.ExportRSAPrivateKeyPem() + "\n");
    }

    /// <summary>Sprig's certificate: .Cert and .Key as PEM text.</summary>
    public sealed class Certificate(string cert, string key) : IGoObject
    {
        public string Cert { get; } = cert;
        public string Key { get; } = key;

        public string GoType => "sprig.certificate";

        public bool TryGetMember(string name, object?[] args, out object? value)
        {
            value = name switch { "Cert" => Cert, "Key" => Key, _ => null };
            return value is not null;
        }
    }
}
