using System.Formats.Asn1;
using System.Numerics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Pkcs;
using Tide.Engine.Helm.Template;
using P = Tide.Engine.Helm.Template.GoParam;

namespace Tide.Engine.Helm.Functions;

/// <summary>Sprig v3 cryptography: keys and certificates (genCA, genSelfSignedCert, genSignedCert and their
/// ...WithKey forms, genPrivateKey, buildCustomCert), bcrypt, htpasswd, derivePassword (Master Password),
/// encryptAES/decryptAES (AES-256-CBC, PKCS#7, IV first, base64), randBytes. Formats and messages are Sprig's.</summary>
public static class SprigCrypto
{
    public static IEnumerable<GoFunction> All() =>
    [
        GoFunction.Fixed("genPrivateKey", a => GeneratePrivateKey((string)a[0]!), P.String),
        GoFunction.Fixed("genCA", a => Ca((string)a[0]!, (int)a[1]!, NewRsaKey()), P.String, P.Int),
        GoFunction.Fixed("genCAWithKey", a => Ca((string)a[0]!, (int)a[1]!, ParseKey((string)a[2]!)), P.String, P.Int, P.String),
        GoFunction.Fixed("genSelfSignedCert", a => Leaf((string)a[0]!, a[1], a[2], (int)a[3]!, null, NewRsaKey()), P.String, P.List, P.List, P.Int),
        GoFunction.Fixed("genSelfSignedCertWithKey", a => Leaf((string)a[0]!, a[1], a[2], (int)a[3]!, null, ParseKey((string)a[4]!)), P.String, P.List, P.List, P.Int, P.String),
        GoFunction.Fixed("genSignedCert", a => Leaf((string)a[0]!, a[1], a[2], (int)a[3]!, Signer(a[4]), NewRsaKey()), P.String, P.List, P.List, P.Int, P.Any),
        GoFunction.Fixed("genSignedCertWithKey", a => Leaf((string)a[0]!, a[1], a[2], (int)a[3]!, Signer(a[4]), ParseKey((string)a[5]!)), P.String, P.List, P.List, P.Int, P.Any, P.String),
        GoFunction.Fixed("buildCustomCert", a => BuildCustomCert((string)a[0]!, (string)a[1]!), P.String, P.String),
        GoFunction.Fixed("bcrypt", a => Bcrypt((string)a[0]!), P.String),
        GoFunction.Fixed("htpasswd", a => ((string)a[0]!).Contains(':') ? "invalid username: " + a[0] : a[0] + ":" + Bcrypt((string)a[1]!), P.String, P.String),
        GoFunction.Fixed("derivePassword", a => DerivePassword(unchecked((uint)(int)a[0]!), (string)a[1]!, (string)a[2]!, (string)a[3]!, (string)a[4]!), P.Int, P.String, P.String, P.String, P.String),
        GoFunction.Fixed("encryptAES", a => EncryptAes((string)a[0]!, (string)a[1]!), P.String, P.String),
        GoFunction.Fixed("decryptAES", a => DecryptAes((string)a[0]!, (string)a[1]!), P.String, P.String),
        GoFunction.Fixed("randBytes", a => Convert.ToBase64String(RandomNumberGenerator.GetBytes(Math.Max(0, (int)a[0]!))), P.Int),
    ];

    private static AsymmetricAlgorithm NewRsaKey() => RSA.Create(2048);

    private static string GeneratePrivateKey(string type) => type switch
    {
        "" or "rsa" => RSA.Create(4096).ExportRSAPrivateKeyPem() + "\n",
        "ecdsa" => ECDsa.Create(ECCurve.NamedCurves.nistP256).ExportECPrivateKeyPem() + "\n",
        "dsa" => DsaPem(),
        "ed25519" => Pem("PRIVATE KEY", PrivateKeyInfoFactory.CreatePrivateKeyInfo(new Ed25519PrivateKeyParameters(new Org.BouncyCastle.Security.SecureRandom())).GetDerEncoded()),
        _ => "Unknown type " + type,
    };

    /// <summary>Sprig's DSA key block: SEQUENCE { version, P, Q, G, Y, X }.</summary>
    private static string DsaPem()
    {
        using var dsa = DSA.Create(2048);
        var p = dsa.ExportParameters(includePrivateParameters: true);
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteInteger(0);
            foreach (var part in new[] { p.P!, p.Q!, p.G!, p.Y!, p.X! })
                writer.WriteInteger(new BigInteger(part, isUnsigned: true, isBigEndian: true));
        }
        return Pem("DSA PRIVATE KEY", writer.Encode());
    }

    private static string Pem(string label, byte[] der) => new string(PemEncoding.Write(label, der)) + "\n";

    /// <summary>Sprig's parsePrivateKeyPEM: PKCS#8 "PRIVATE KEY", "RSA PRIVATE KEY" or "EC PRIVATE KEY".</summary>
    private static AsymmetricAlgorithm ParseKey(string pem)
    {
        var start = pem.IndexOf("-----BEGIN ", StringComparison.Ordinal);
        if (start < 0 || !PemEncoding.TryFind(pem.AsSpan(start), out var fields))
            throw new FunctionException("parsing private key: no PEM data in input");
        var label = pem.AsSpan(start)[fields.Label].ToString();
        var der = Convert.FromBase64String(pem.AsSpan(start)[fields.Base64Data].ToString());
        try
        {
            switch (label)
            {
                case "PRIVATE KEY":
                    try
                    {
                        var rsa = RSA.Create();
                        rsa.ImportPkcs8PrivateKey(der, out _);
                        return rsa;
                    }
                    catch (CryptographicException)
                    {
                        var ec = ECDsa.Create();
                        ec.ImportPkcs8PrivateKey(der, out _);
                        return ec;
                    }
                case "RSA PRIVATE KEY":
                    var key = RSA.Create();
                    key.ImportRSAPrivateKey(der, out _);
                    return key;
                case "EC PRIVATE KEY":
                    var ecKey = ECDsa.Create();
                    ecKey.ImportECPrivateKey(der, out _);
                    return ecKey;
                default:
                    throw new FunctionException(label.EndsWith(" PRIVATE KEY", StringComparison.Ordinal)
                        ? $"parsing private key: invalid private key type {label}"
                        : $"parsing private key: no private key data in PEM block of type {label}");
            }
        }
        catch (CryptographicException e)
        {
            throw new FunctionException($"parsing private key: {e.Message}");
        }
    }

    private static Certificate Signer(object? ca) =>
        ca as Certificate ?? throw new FunctionException($"wrong type for value; expected sprig.certificate; got {GoValue.TypeName(ca)}");

    private static Certificate Ca(string cn, int days, AsymmetricAlgorithm key) => Create(cn, [], [], days, isCa: true, null, key);

    private static Certificate Leaf(string cn, object? ips, object? dns, int days, Certificate? signer, AsymmetricAlgorithm key)
    {
        var addresses = new List<System.Net.IPAddress>();
        foreach (var ip in ips as List<object?> ?? [])
        {
            if (ip is not string s)
                throw new FunctionException($"error parsing ip: {GoValue.Format(ip)} is not a string");
            if (!System.Net.IPAddress.TryParse(s, out var address) || s.Contains('%', StringComparison.Ordinal))
                throw new FunctionException($"error parsing ip: {s}");
            addresses.Add(address);
        }
        var names = new List<string>();
        foreach (var name in dns as List<object?> ?? [])
            names.Add(name as string ?? throw new FunctionException($"error processing alternate dns name: {GoValue.Format(name)} is not a string"));
        return Create(cn, addresses, names, days, isCa: false, signer, key);
    }

    /// <summary>Sprig's getBaseCertTemplate + x509.CreateCertificate: CN only, 128-bit random serial, valid from
    /// now for the given days, server and client auth; signed by the CA when one is given, else by its own key.</summary>
    private static Certificate Create(string cn, List<System.Net.IPAddress> ips, List<string> dns, int days, bool isCa,
        Certificate? signer, AsymmetricAlgorithm key)
    {
        var subject = new X500DistinguishedName("CN=" + cn.Replace("\"", "\\\"", StringComparison.Ordinal));
        var request = key switch
        {
            RSA rsa => new CertificateRequest(subject, rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1),
            ECDsa ec => new CertificateRequest(subject, ec, HashAlgorithmName.SHA256),
            _ => throw new FunctionException("error creating certificate: unsupported key type"),
        };
        request.CertificateExtensions.Add(new X509KeyUsageExtension(
            X509KeyUsageFlags.KeyEncipherment | X509KeyUsageFlags.DigitalSignature | (isCa ? X509KeyUsageFlags.KeyCertSign : 0), critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], critical: false));
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(isCa, false, 0, critical: true));
        if (isCa)
            request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        if (ips.Count > 0 || dns.Count > 0)
        {
            var san = new SubjectAlternativeNameBuilder();
            foreach (var name in dns)
                san.AddDnsName(name);
            foreach (var ip in ips)
                san.AddIpAddress(ip);
            request.CertificateExtensions.Add(san.Build());
        }
        var notBefore = DateTimeOffset.UtcNow;
        var notAfter = notBefore.AddDays(days);
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7f;
        X509Certificate2 cert;
        if (signer is null)
        {
            cert = request.Create(subject, Generator(key), notBefore, notAfter, serial);
        }
        else
        {
            X509Certificate2 issuer;
            try
            {
                issuer = X509Certificate2.CreateFromPem(signer.Cert);
            }
            catch (CryptographicException e)
            {
                throw new FunctionException($"error parsing certificate: decodedSignerCert.Bytes: {e.Message}");
            }
            var issuerKey = ParseKey(signer.Key);
            if (issuer.Extensions.OfType<X509SubjectKeyIdentifierExtension>().FirstOrDefault() is { } ski)
                request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromSubjectKeyIdentifier(ski));
            // Go signs whatever validity it is asked for; .NET's issuer overload would refuse a leaf that outlives its CA.
            cert = request.Create(issuer.SubjectName, Generator(issuerKey), notBefore, notAfter, serial);
        }
        var keyPem = key switch
        {
            RSA rsa => rsa.ExportRSAPrivateKeyPem(),
            ECDsa ec => ec.ExportECPrivateKeyPem(),
            _ => "",
        };
        return new Certificate(cert.ExportCertificatePem() + "\n", keyPem + "\n");
    }

    private static X509SignatureGenerator Generator(AsymmetricAlgorithm key) => key switch
    {
        RSA rsa => X509SignatureGenerator.CreateForRSA(rsa, RSASignaturePadding.Pkcs1),
        ECDsa ec => X509SignatureGenerator.CreateForECDsa(ec),
        _ => throw new FunctionException("error creating certificate: unsupported key type"),
    };

    private static Certificate BuildCustomCert(string b64Cert, string b64Key)
    {
        string cert, key;
        try
        {
            cert = Encoding.UTF8.GetString(Convert.FromBase64String(b64Cert));
        }
        catch (FormatException)
        {
            throw new FunctionException("unable to decode base64 certificate");
        }
        try
        {
            key = Encoding.UTF8.GetString(Convert.FromBase64String(b64Key));
        }
        catch (FormatException)
        {
            throw new FunctionException("unable to decode base64 private key");
        }
        try
        {
            X509Certificate2.CreateFromPem(cert).Dispose();
        }
        catch (CryptographicException)
        {
            throw new FunctionException("unable to decode certificate");
        }
        try
        {
            ParseKey(key).Dispose();
        }
        catch (FunctionException e)
        {
            throw new FunctionException("error parsing private key: " + e.Message["parsing private key: ".Length..]);
        }
        return new Certificate(cert, key);
    }

    private static string Bcrypt(string password) =>
        OpenBsdBCrypt.Generate("2a", password.ToCharArray(), RandomNumberGenerator.GetBytes(16), 10);

    private static readonly Dictionary<string, string[]> PasswordTemplates = new(StringComparer.Ordinal)
    {
        ["maximum"] = ["anoxxxxxxxxxxxxxxxxx", "axxxxxxxxxxxxxxxxxno"],
        ["long"] =
        [
            "CvcvnoCvcvCvcv", "CvcvCvcvnoCvcv", "CvcvCvcvCvcvno", "CvccnoCvcvCvcv", "CvccCvcvnoCvcv", "CvccCvcvCvcvno",
            "CvcvnoCvccCvcv", "CvcvCvccnoCvcv", "CvcvCvccCvcvno", "CvcvnoCvcvCvcc", "CvcvCvcvnoCvcc", "CvcvCvcvCvccno",
            "CvccnoCvccCvcv", "CvccCvccnoCvcv", "CvccCvccCvcvno", "CvcvnoCvccCvcc", "CvcvCvccnoCvcc", "CvcvCvccCvccno",
            "CvccnoCvcvCvcc", "CvccCvcvnoCvcc", "CvccCvcvCvccno",
        ],
        ["medium"] = ["CvcnoCvc", "CvcCvcno"],
        ["short"] = ["Cvcn"],
        ["basic"] = ["aaanaaan", "aannaaan", "aaannaaa"],
        ["pin"] = ["nnnn"],
    };

    private static readonly Dictionary<char, string> TemplateCharacters = new()
    {
        ['V'] = "AEIOU",
        ['C'] = "BCDFGHJKLMNPQRSTVWXYZ",
        ['v'] = "aeiou",
        ['c'] = "bcdfghjklmnpqrstvwxyz",
        ['A'] = "AEIOUBCDFGHJKLMNPQRSTVWXYZ",
        ['a'] = "AEIOUaeiouBCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz",
        ['n'] = "0123456789",
        ['o'] = "@&%?,=[]_:-+*$#!'^~;()/.",
        ['x'] = "AEIOUaeiouBCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz0123456789!@#$%^&*()",
    };

    /// <summary>The Master Password algorithm (v3) as Sprig implements it: scrypt over the user, HMAC-SHA256 over the
    /// site and counter, the seed picking a template and its characters.</summary>
    private static string DerivePassword(uint counter, string type, string password, string user, string site)
    {
        if (!PasswordTemplates.TryGetValue(type, out var templates))
            return "cannot find password template " + type;
        const string seed = "com.lyndir.masterpassword";
        var salt = Concat(Encoding.UTF8.GetBytes(seed), BigEndian((uint)Encoding.UTF8.GetByteCount(user)), Encoding.UTF8.GetBytes(user));
        var key = SCrypt.Generate(Encoding.UTF8.GetBytes(password), salt, 32768, 8, 2, 64);
        var message = Concat(Encoding.UTF8.GetBytes(seed), BigEndian((uint)Encoding.UTF8.GetByteCount(site)), Encoding.UTF8.GetBytes(site), BigEndian(counter));
        var hash = HMACSHA256.HashData(key, message);
        var template = templates[hash[0] % templates.Length];
        var sb = new StringBuilder();
        for (var i = 0; i < template.Length; i++)
        {
            var chars = TemplateCharacters[template[i]];
            sb.Append(chars[hash[i + 1] % chars.Length]);
        }
        return sb.ToString();
    }

    private static byte[] BigEndian(uint v) => [(byte)(v >> 24), (byte)(v >> 16), (byte)(v >> 8), (byte)v];

    private static byte[] Concat(params byte[][] parts) => parts.SelectMany(p => p).ToArray();

    private static byte[] AesKey(string password)
    {
        var key = new byte[32];
        var bytes = Encoding.UTF8.GetBytes(password);
        Array.Copy(bytes, key, Math.Min(bytes.Length, 32));
        return key;
    }

    private static string EncryptAes(string password, string plaintext)
    {
        if (plaintext.Length == 0)
            return "";
        using var aes = Aes.Create();
        aes.Key = AesKey(password);
        var iv = RandomNumberGenerator.GetBytes(16);
        var encrypted = aes.EncryptCbc(Encoding.UTF8.GetBytes(plaintext), iv, PaddingMode.PKCS7);
        return Convert.ToBase64String(Concat(iv, encrypted));
    }

    private static string DecryptAes(string password, string crypt64)
    {
        if (crypt64.Length == 0)
            return "";
        byte[] crypt;
        try
        {
            crypt = Convert.FromBase64String(crypt64);
        }
        catch (FormatException)
        {
            throw new FunctionException("illegal base64 data at input byte 0");
        }
        if (crypt.Length < 16 || (crypt.Length - 16) % 16 != 0)
            throw new FunctionException(crypt.Length < 16 ? "runtime error: slice bounds out of range" : "crypto/cipher: input not full blocks");
        using var aes = Aes.Create();
        aes.Key = AesKey(password);
        var decrypted = aes.DecryptCbc(crypt.AsSpan(16), crypt.AsSpan(0, 16), PaddingMode.None);
        if (decrypted.Length == 0)
            throw new FunctionException("runtime error: index out of range [-1]");
        // Sprig strips as many bytes as the last one says, without checking the padding.
        var keep = decrypted.Length - decrypted[^1];
        if (keep < 0)
            throw new FunctionException($"runtime error: slice bounds out of range [:{keep}]");
        return Encoding.UTF8.GetString(decrypted, 0, keep);
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
