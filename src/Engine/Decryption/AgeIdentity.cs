using System.Security.Cryptography;
using System.Text;
using Org.BouncyCastle.Math.EC.Rfc7748;

namespace Tide.Engine.Decryption;

/// <summary>
/// An age X25519 identity (<c>AGE-SECRET-KEY-1...</c>) and the decryption of age v1 files to it
/// (age-encryption.org/v1: X25519 stanzas, HKDF-SHA-256, ChaCha20-Poly1305, header HMAC, STREAM payload).
/// </summary>
internal sealed class AgeIdentity
{
    private const string X25519Label = "age-encryption.org/v1/X25519";
    private const int ChunkSize = 64 * 1024;
    private readonly byte[] _privateKey;
    private readonly byte[] _publicKey;

    private AgeIdentity(byte[] privateKey)
    {
        _privateKey = privateKey;
        _publicKey = new byte[X25519.PointSize];
        X25519.ScalarMultBase(privateKey, 0, _publicKey, 0);
    }

    /// <summary>Every <c>AGE-SECRET-KEY-1</c> line of an identity file; comments and blank lines are skipped.</summary>
    /// <exception cref="SopsDecryptionException">a line that is not a valid identity (post-quantum ones included)</exception>
    public static IReadOnlyList<AgeIdentity> ParseFile(string name, string text)
    {
        var identities = new List<AgeIdentity>();
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
                continue;
            (string Hrp, byte[] Data) decoded;
            try
            {
                decoded = Bech32.Decode(line);
            }
            catch (FormatException e)
            {
                throw new SopsDecryptionException($"failed to import '{name}' age identities: {e.Message}");
            }
            if (decoded.Hrp != "age-secret-key-" || decoded.Data.Length != 32)
                throw new SopsDecryptionException(
                    $"failed to import '{name}' age identities: unsupported identity type '{decoded.Hrp}'");
            identities.Add(new AgeIdentity(decoded.Data));
        }
        return identities;
    }

    /// <summary>The payload of an (optionally armored) age file, or null when no stanza is for this identity.</summary>
    /// <exception cref="SopsDecryptionException">a malformed file, or a header or payload that fails authentication</exception>
    public byte[]? Decrypt(string ageFile)
    {
        var file = Dearmor(ageFile);
        var header = AgeHeader.Parse(file);
        byte[]? fileKey = null;
        foreach (var stanza in header.Stanzas.Where(s => s.Type == "X25519"))
        {
            fileKey = Unwrap(stanza);
            if (fileKey is not null)
                break;
        }
        if (fileKey is null)
            return null;
        var macKey = HKDF.DeriveKey(HashAlgorithmName.SHA256, fileKey, 32, [], "header"u8.ToArray());
        if (!CryptographicOperations.FixedTimeEquals(HMACSHA256.HashData(macKey, header.MacInput), header.Mac))
            throw new SopsDecryptionException("age file header MAC does not verify");
        return DecryptPayload(fileKey, file.AsSpan(header.PayloadOffset));
    }

    private byte[]? Unwrap(AgeStanza stanza)
    {
        if (stanza.Args.Count != 1 || stanza.Body.Length != 32)
            throw new SopsDecryptionException("malformed age X25519 stanza");
        var share = AgeHeader.DecodeBase64(stanza.Args[0]);
        if (share.Length != 32)
            throw new SopsDecryptionException("malformed age X25519 stanza");
        var shared = new byte[32];
        if (!X25519.CalculateAgreement(_privateKey, 0, share, 0, shared, 0))
            return null;
        var wrapKey = HKDF.DeriveKey(HashAlgorithmName.SHA256, shared, 32, [.. share, .. _publicKey], Encoding.ASCII.GetBytes(X25519Label));
        var fileKey = new byte[16];
        try
        {
            using var aead = new ChaCha20Poly1305(wrapKey);
            aead.Decrypt(new byte[12], stanza.Body.AsSpan(0, 16), stanza.Body.AsSpan(16), fileKey);
            return fileKey;
        }
        catch (AuthenticationTagMismatchException)
        {
            return null; // the stanza is for another recipient
        }
    }

    private static byte[] DecryptPayload(byte[] fileKey, ReadOnlySpan<byte> payload)
    {
        if (payload.Length < 16 + 16)
            throw new SopsDecryptionException("age payload is truncated");
        var key = HKDF.DeriveKey(HashAlgorithmName.SHA256, fileKey, 32, payload[..16].ToArray(), "payload"u8.ToArray());
        using var aead = new ChaCha20Poly1305(key);
        var output = new List<byte>();
        var body = payload[16..];
        var nonce = new byte[12];
        for (ulong counter = 0; ; counter++)
        {
            var chunkLength = Math.Min(body.Length, ChunkSize + 16);
            var last = chunkLength == body.Length;
            for (var i = 0; i < 8; i++)
                nonce[10 - i] = (byte)(counter >> (8 * i));
            nonce[11] = last ? (byte)1 : (byte)0;
            var plain = new byte[chunkLength - 16];
            try
            {
                aead.Decrypt(nonce, body[..(chunkLength - 16)], body.Slice(chunkLength - 16, 16), plain);
            }
            catch (AuthenticationTagMismatchException)
            {
                throw new SopsDecryptionException("age payload does not authenticate");
            }
            output.AddRange(plain);
            if (last)
                return [.. output];
            body = body[chunkLength..];
        }
    }

    private static byte[] Dearmor(string text)
    {
        const string begin = "-----BEGIN AGE ENCRYPTED FILE-----", end = "-----END AGE ENCRYPTED FILE-----";
        var trimmed = text.Trim();
        if (!trimmed.StartsWith(begin, StringComparison.Ordinal))
            return Encoding.UTF8.GetBytes(text);
        var endAt = trimmed.IndexOf(end, StringComparison.Ordinal);
        if (endAt < 0)
            throw new SopsDecryptionException("age armor has no end line");
        var base64 = string.Concat(trimmed[begin.Length..endAt].Split('\n').Select(l => l.Trim()));
        try
        {
            return Convert.FromBase64String(base64);
        }
        catch (FormatException)
        {
            throw new SopsDecryptionException("age armor is not valid base64");
        }
    }
}
