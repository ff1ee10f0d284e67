using System.Security.Cryptography;
using Org.BouncyCastle.Math.EC.Rfc7748;

namespace Tide.Engine.Decryption;

/// <summary>
/// An age X25519 identity (<c>AGE-SECRET-KEY-1...</c>): the wrap key is HKDF-SHA-256 of the X25519 shared secret,
/// salted with the ephemeral share and our public key.
/// </summary>
internal sealed class AgeX25519Identity : IAgeIdentity
{
    private static readonly byte[] Label = "age-encryption.org/v1/X25519"u8.ToArray();
    private readonly byte[] _privateKey;
    private readonly byte[] _publicKey = new byte[X25519.PointSize];

    public AgeX25519Identity(byte[] privateKey)
    {
        _privateKey = privateKey;
        X25519.ScalarMultBase(privateKey, 0, _publicKey, 0);
    }

    public byte[]? Unwrap(AgeStanza stanza)
    {
        if (stanza.Type != "X25519")
            return null;
        if (stanza.Args.Count != 1 || stanza.Body.Length != 32)
            throw new SopsDecryptionException("malformed age X25519 stanza");
        var share = AgeHeader.DecodeBase64(stanza.Args[0]);
        if (share.Length != 32)
            throw new SopsDecryptionException("malformed age X25519 stanza");
        var shared = new byte[32];
        if (!X25519.CalculateAgreement(_privateKey, 0, share, 0, shared, 0))
            return null; // a low-order share
        var wrapKey = HKDF.DeriveKey(HashAlgorithmName.SHA256, shared, 32, [.. share, .. _publicKey], Label);
        return AgeFile.OpenFileKey(wrapKey, new byte[12], stanza.Body);
    }
}
