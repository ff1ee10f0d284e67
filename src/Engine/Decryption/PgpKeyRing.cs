using Org.BouncyCastle.Bcpg.OpenPgp;

namespace Tide.Engine.Decryption;

/// <summary>
/// Unprotected OpenPGP secret keys from armored key files (public key blocks in the same file are ignored), and the
/// decryption of the armored messages in which SOPS wraps its data key.
/// </summary>
internal sealed class PgpKeyRing
{
    private readonly Dictionary<long, PgpSecretKey> _keys = [];

    public int Count => _keys.Count;

    /// <exception cref="SopsDecryptionException">the file holds no readable OpenPGP data</exception>
    public void Import(string name, byte[] armored)
    {
        var text = System.Text.Encoding.ASCII.GetString(armored);
        // Each armored block (private and public key blocks may follow each other) is read on its own.
        var blocks = text.Split("-----BEGIN ", StringSplitOptions.RemoveEmptyEntries)
            .Where(b => b.StartsWith("PGP ", StringComparison.Ordinal))
            .Select(b => "-----BEGIN " + b);
        try
        {
            foreach (var block in blocks)
            {
                using var decoder = PgpUtilities.GetDecoderStream(new MemoryStream(System.Text.Encoding.ASCII.GetBytes(block)));
                var factory = new PgpObjectFactory(decoder);
                for (var obj = factory.NextPgpObject(); obj is not null; obj = factory.NextPgpObject())
                {
                    if (obj is not PgpSecretKeyRing ring)
                        continue;
                    foreach (PgpSecretKey key in ring.GetSecretKeys())
                        _keys[key.KeyId] = key;
                }
            }
        }
        catch (Exception e) when (e is IOException or PgpException)
        {
            throw new SopsDecryptionException($"failed to import '{name}' PGP keys: {e.Message}");
        }
    }

    /// <summary>The literal data of <paramref name="armoredMessage"/>, or null when none of its recipients is ours.</summary>
    /// <exception cref="SopsDecryptionException">a malformed message, or one whose integrity check fails</exception>
    public byte[]? Decrypt(string armoredMessage)
    {
        try
        {
            using var input = PgpUtilities.GetDecoderStream(new MemoryStream(System.Text.Encoding.ASCII.GetBytes(armoredMessage)));
            var factory = new PgpObjectFactory(input);
            var obj = factory.NextPgpObject();
            var list = obj as PgpEncryptedDataList ?? factory.NextPgpObject() as PgpEncryptedDataList
                ?? throw new SopsDecryptionException("PGP message holds no encrypted data");
            foreach (var data in list.GetEncryptedDataObjects().OfType<PgpPublicKeyEncryptedData>())
            {
                if (!_keys.TryGetValue(data.KeyId, out var secretKey))
                    continue;
                var privateKey = secretKey.ExtractPrivateKey([]);
                using var clear = data.GetDataStream(privateKey);
                var literal = ReadLiteral(new PgpObjectFactory(clear));
                if (data.IsIntegrityProtected() && !data.Verify())
                    throw new SopsDecryptionException("PGP message integrity check failed");
                return literal;
            }
            return null;
        }
        catch (Exception e) when (e is IOException or PgpException)
        {
            throw new SopsDecryptionException($"failed to decrypt PGP message: {e.Message}");
        }
    }

    private static byte[] ReadLiteral(PgpObjectFactory factory)
    {
        for (var obj = factory.NextPgpObject(); obj is not null; obj = factory.NextPgpObject())
        {
            switch (obj)
            {
                case PgpCompressedData compressed:
                    return ReadLiteral(new PgpObjectFactory(compressed.GetDataStream()));
                case PgpLiteralData literal:
                    using (var output = new MemoryStream())
                    {
                        literal.GetInputStream().CopyTo(output);
                        return output.ToArray();
                    }
            }
        }
        throw new SopsDecryptionException("PGP message holds no literal data");
    }
}
