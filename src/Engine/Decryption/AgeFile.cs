using System.Security.Cryptography;
using System.Text;

namespace Tide.Engine.Decryption;

/// <summary>
/// Decryption of age v1 files (age-encryption.org/v1): a recipient stanza opened by one of the identities gives the
/// file key, which authenticates the header (HMAC-SHA-256) and decrypts the STREAM payload (ChaCha20-Poly1305).
/// </summary>
internal static class AgeFile
{
    private const int ChunkSize = 64 * 1024;

    /// <summary>Every identity of an identity file (X25519 and ML-KEM-768+X25519); comments and blank lines are skipped.</summary>
    /// <exception cref="SopsDecryptionException">a line that is not a supported identity</exception>
    public static IReadOnlyList<IAgeIdentity> ParseIdentities(string name, string text)
    {
        var identities = new List<IAgeIdentity>();
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
            identities.Add(decoded switch
            {
                ("age-secret-key-", { Length: 32 } key) => new AgeX25519Identity(key),
                ("age-secret-key-pq-", { Length: 32 } seed) => new AgeMlKem768X25519Identity(seed),
                _ => throw new SopsDecryptionException(
                    $"failed to import '{name}' age identities: unsupported identity type '{decoded.Hrp.ToUpperInvariant()}'"),
            });
        }
        return identities;
    }

    /// <summary>The payload of an (optionally armored) age file, or null when no stanza is for these identities.</summary>
    /// <exception cref="SopsDecryptionException">a malformed file, or a header or payload that fails authentication</exception>
    public static byte[]? Decrypt(string ageFile, IReadOnlyList<IAgeIdentity> identities)
    {
        var file = Dearmor(ageFile);
        var header = AgeHeader.Parse(file);
        var fileKey = header.Stanzas
            .SelectMany(stanza => identities.Select(identity => (stanza, identity)))
            .Select(p => p.identity.Unwrap(p.stanza))
            .FirstOrDefault(k => k is not null);
        if (fileKey is null)
            return null;
        var macKey = HKDF.DeriveKey(HashAlgorithmName.SHA256, fileKey, 32, [], "header"u8.ToArray());
        if (!CryptographicOperations.FixedTimeEquals(HMACSHA256.HashData(macKey, header.MacInput), header.Mac))
            throw new SopsDecryptionException("age file header MAC does not verify");
        return DecryptPayload(fileKey, file.AsSpan(header.PayloadOffset));
    }

    /// <summary>ChaCha20-Poly1305 open with a zero nonce, as stanzas wrap the 16-byte file key; null when not authentic.</summary>
    public static byte[]? OpenFileKey(byte[] key, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> body)
    {
        var fileKey = new byte[16];
        try
        {
            using var aead = new ChaCha20Poly1305(key);
            aead.Decrypt(nonce, body[..16], body[16..], fileKey);
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
