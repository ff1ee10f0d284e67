using System.Buffers.Binary;
using System.Security.Cryptography;
using Org.BouncyCastle.Crypto.Digests;
using Org.BouncyCastle.Crypto.Kems;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Math.EC.Rfc7748;

namespace Tide.Engine.Decryption;

/// <summary>
/// An age post-quantum identity (<c>AGE-SECRET-KEY-PQ-1...</c>, stanza <c>mlkem768x25519</c>): HPKE base-mode open
/// with the MLKEM768-X25519 (X-Wing) KEM, HKDF-SHA256 and ChaCha20Poly1305 (RFC 9180; c2sp.org/age).
/// </summary>
internal sealed class AgeMlKem768X25519Identity : IAgeIdentity
{
    private const int MlKemCiphertextLength = 1088;
    private static readonly byte[] Info = "age-encryption.org/mlkem768x25519"u8.ToArray();
    private static readonly byte[] XWingLabel = [0x5c, 0x2e, 0x2f, 0x2f, 0x5e, 0x5c]; // \.//^\

    /// <summary>"HPKE" || KEM 0x647a (MLKEM768-X25519) || KDF 0x0001 (HKDF-SHA256) || AEAD 0x0003 (ChaCha20Poly1305).</summary>
    private static readonly byte[] SuiteId = [(byte)'H', (byte)'P', (byte)'K', (byte)'E', 0x64, 0x7a, 0x00, 0x01, 0x00, 0x03];

    private readonly MLKemPrivateKeyParameters _mlKem;
    private readonly byte[] _x25519Private;
    private readonly byte[] _x25519Public = new byte[X25519.PointSize];

    /// <summary>The X-Wing key pair expands from the 32-byte seed with SHAKE256 into an ML-KEM seed and an X25519 key.</summary>
    public AgeMlKem768X25519Identity(byte[] seed)
    {
        var shake = new ShakeDigest(256);
        shake.BlockUpdate(seed, 0, seed.Length);
        var expanded = new byte[96];
        shake.OutputFinal(expanded, 0, expanded.Length);
        _mlKem = MLKemPrivateKeyParameters.FromSeed(MLKemParameters.ml_kem_768, expanded[..64]);
        _x25519Private = expanded[64..];
        X25519.ScalarMultBase(_x25519Private, 0, _x25519Public, 0);
    }

    public byte[]? Unwrap(AgeStanza stanza)
    {
        if (stanza.Type != "mlkem768x25519")
            return null;
        if (stanza.Args.Count != 1 || stanza.Body.Length != 32)
            throw new SopsDecryptionException("malformed age mlkem768x25519 stanza");
        var enc = AgeHeader.DecodeBase64(stanza.Args[0]);
        if (enc.Length != MlKemCiphertextLength + 32)
            throw new SopsDecryptionException("malformed age mlkem768x25519 stanza");
        if (Decapsulate(enc) is not { } sharedSecret)
            return null;
        var (key, nonce) = KeySchedule(sharedSecret);
        return AgeFile.OpenFileKey(key, nonce, stanza.Body);
    }

    /// <summary>X-Wing: SHA3-256(ss_mlkem || ss_x25519 || ct_x25519 || pk_x25519 || label).</summary>
    private byte[]? Decapsulate(byte[] enc)
    {
        var decapsulator = new MLKemDecapsulator(MLKemParameters.ml_kem_768);
        decapsulator.Init(_mlKem);
        var mlKemSecret = new byte[decapsulator.SecretLength];
        decapsulator.Decapsulate(enc.AsSpan(0, MlKemCiphertextLength), mlKemSecret);
        var x25519Ciphertext = enc[MlKemCiphertextLength..];
        var x25519Secret = new byte[32];
        if (!X25519.CalculateAgreement(_x25519Private, 0, x25519Ciphertext, 0, x25519Secret, 0))
            return null;
        var sha3 = new Sha3Digest(256);
        foreach (var part in new[] { mlKemSecret, x25519Secret, x25519Ciphertext, _x25519Public, XWingLabel })
            sha3.BlockUpdate(part, 0, part.Length);
        var shared = new byte[32];
        sha3.DoFinal(shared, 0);
        return shared;
    }

    /// <summary>RFC 9180 KeySchedule in base mode (no PSK); the first message uses the base nonce as it is.</summary>
    private static (byte[] Key, byte[] Nonce) KeySchedule(byte[] sharedSecret)
    {
        var pskIdHash = LabeledExtract([], "psk_id_hash", []);
        var infoHash = LabeledExtract([], "info_hash", Info);
        byte[] context = [0x00, .. pskIdHash, .. infoHash];
        var secret = LabeledExtract(sharedSecret, "secret", []);
        return (LabeledExpand(secret, "key", context, 32), LabeledExpand(secret, "base_nonce", context, 12));
    }

    private static byte[] LabeledExtract(byte[] salt, string label, byte[] ikm) =>
        HKDF.Extract(HashAlgorithmName.SHA256, [.. "HPKE-v1"u8, .. SuiteId, .. System.Text.Encoding.ASCII.GetBytes(label), .. ikm], salt);

    private static byte[] LabeledExpand(byte[] prk, string label, byte[] info, int length)
    {
        var lengthPrefix = new byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(lengthPrefix, (ushort)length);
        return HKDF.Expand(HashAlgorithmName.SHA256, prk, length,
            [.. lengthPrefix, .. "HPKE-v1"u8, .. SuiteId, .. System.Text.Encoding.ASCII.GetBytes(label), .. info]);
    }
}
