using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Security;

namespace Tide.Engine.Sources.Oci;

/// <summary>
/// Verifies an artifact's cosign signatures with static public keys, as cosign's VerifyImageSignatures does when
/// source-controller gives it a key: offline and without the transparency log (Flux sets IgnoreTlog with a key).
/// Cosign stores the signatures of manifest <c>sha256:&lt;hex&gt;</c> in the same repository under the tag
/// <c>sha256-&lt;hex&gt;.sig</c>: each layer of that manifest is a "simple signing" payload whose annotation holds the
/// base64 signature over the payload's bytes. A signature counts when one of the keys verifies it (SHA-256 for ECDSA
/// and RSA PKCS#1 v1.5, as sigstore's LoadVerifier with crypto.SHA256; Ed25519 as is) and its payload names the very
/// digest being verified, so that a valid signature of another artifact is refused.
/// </summary>
public sealed class CosignVerifier
{
    public const string PayloadMediaType = "application/vnd.dev.cosign.simplesigning.v1+json";
    public const string SignatureAnnotation = "dev.cosignproject.cosign/signature";

    /// <summary>Payloads are a few hundred bytes; a larger layer is not a signature worth downloading.</summary>
    private const long MaxPayloadBytes = 1024 * 1024;

    private readonly IReadOnlyList<AsymmetricKeyParameter> _keys;

    /// <param name="pemKeys">PEM public keys ("PUBLIC KEY", as cosign generate-key-pair writes them).</param>
    /// <exception cref="FormatException">A key is not a PEM public key of a supported algorithm.</exception>
    public CosignVerifier(IEnumerable<(string Name, byte[] Pem)> pemKeys) =>
        _keys = pemKeys.Select(k => ParseKey(k.Name, k.Pem)).ToList();

    /// <summary>The tag cosign stores the signatures of <paramref name="digest"/> under.</summary>
    public static string SignatureTag(string digest) => digest.Replace(':', '-') + ".sig";

    /// <summary>Whether a signature of <paramref name="digest"/> in <paramref name="repository"/> verifies with one of
    /// the keys. No signature tag at all is no match; other registry failures throw <see cref="OciException"/>.</summary>
    public async Task<bool> VerifyAsync(OciClient client, string repository, string digest, CancellationToken cancellationToken)
    {
        OciManifest signatures;
        try
        {
            signatures = await client.GetManifestAsync(repository, SignatureTag(digest), cancellationToken);
        }
        catch (OciException e) when (e.Status == HttpStatusCode.NotFound)
        {
            return false;
        }
        foreach (var layer in signatures.Layers)
        {
            if (layer.MediaType != PayloadMediaType || layer.Size > MaxPayloadBytes ||
                layer.Annotations?.GetValueOrDefault(SignatureAnnotation) is not { Length: > 0 } encoded)
                continue;
            byte[] signature;
            try
            {
                signature = Convert.FromBase64String(encoded);
            }
            catch (FormatException)
            {
                continue;
            }
            using var payload = new MemoryStream();
            await client.CopyBlobAsync(repository, layer, payload, cancellationToken);
            var bytes = payload.ToArray();
            if (_keys.Any(key => Verifies(key, bytes, signature)) && NamesDigest(bytes, digest))
                return true;
        }
        return false;
    }

    private static AsymmetricKeyParameter ParseKey(string name, byte[] pem)
    {
        try
        {
            var text = System.Text.Encoding.ASCII.GetString(pem);
            var fields = System.Security.Cryptography.PemEncoding.Find(text);
            var label = text[fields.Label];
            if (label != "PUBLIC KEY")
                throw new FormatException($"PEM block '{label}' is not a public key");
            var key = PublicKeyFactory.CreateKey(Convert.FromBase64String(text[fields.Base64Data]));
            return key is ECPublicKeyParameters or RsaKeyParameters or Ed25519PublicKeyParameters
                ? key
                : throw new FormatException($"unsupported public key type '{key.GetType().Name}'");
        }
        catch (Exception e) when (e is ArgumentException or FormatException or InvalidOperationException or IOException or SecurityUtilityException)
        {
            throw new FormatException($"invalid public key '{name}': {e.Message}", e);
        }
    }

    private static bool Verifies(AsymmetricKeyParameter key, byte[] payload, byte[] signature)
    {
        var verifier = SignerUtilities.GetSigner(key switch
        {
            ECPublicKeyParameters => "SHA-256withECDSA",
            RsaKeyParameters => "SHA-256withRSA",
            _ => "Ed25519",
        });
        verifier.Init(false, key);
        verifier.BlockUpdate(payload, 0, payload.Length);
        try
        {
            return verifier.VerifySignature(signature);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or IOException)
        {
            // A malformed signature (not DER, wrong length) is a signature that does not verify.
            return false;
        }
    }

    /// <summary>Cosign's SimpleClaimVerifier: the payload's critical.image.docker-manifest-digest is the digest.</summary>
    private static bool NamesDigest(byte[] payload, string digest)
    {
        try
        {
            return JsonNode.Parse(payload)?["critical"]?["image"]?["docker-manifest-digest"] is JsonValue value &&
                   value.TryGetValue<string>(out var named) && named == digest;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return false;
        }
    }
}
