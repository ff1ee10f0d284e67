using System.Text;
using Org.BouncyCastle.Bcpg.OpenPgp;

namespace Tide.Engine.Sources.Git;

/// <summary>
/// Verifies the OpenPGP signature of a raw git commit or tag object against armored public key rings (the values of
/// the verification Secret), as Flux does: the signature must verify with a key of one of the rings. Returns the
/// signing entity's primary key ID (16 upper-case hex digits, as go-crypto prints it).
/// </summary>
public static class GitSignatureVerifier
{
    private const string PgpSignatureStart = "-----BEGIN PGP SIGNATURE-----";

    /// <exception cref="InvalidDataException">The object is not signed, a ring cannot be read, or no ring verifies it.</exception>
    public static string VerifyCommit(byte[] rawCommit, IEnumerable<byte[]> keyRings)
    {
        var (signed, signature) = SplitCommit(rawCommit);
        if (signature is null)
            throw new InvalidDataException("unable to verify Git commit: commit is not signed");
        return Verify(signed, signature, keyRings, "commit");
    }

    /// <exception cref="InvalidDataException">The object is not signed, a ring cannot be read, or no ring verifies it.</exception>
    public static string VerifyTag(byte[] rawTag, IEnumerable<byte[]> keyRings)
    {
        if (!IsSignedTag(rawTag))
            throw new InvalidDataException("unable to verify Git tag: tag is not signed");
        var start = LastIndexOf(rawTag, "\n" + PgpSignatureStart) + 1;
        return Verify(rawTag[..start], rawTag[start..], keyRings, "tag");
    }

    /// <summary>Whether the raw tag object carries a PGP signature (appended to its message).</summary>
    public static bool IsSignedTag(byte[] rawTag) => LastIndexOf(rawTag, "\n" + PgpSignatureStart) >= 0;

    private static string Verify(byte[] signed, byte[] armoredSignature, IEnumerable<byte[]> keyRings, string kind)
    {
        var signature = ReadSignature(armoredSignature, kind);
        foreach (var ring in keyRings)
        {
            PgpPublicKeyRingBundle bundle;
            try
            {
                using var input = PgpUtilities.GetDecoderStream(new MemoryStream(ring));
                bundle = new PgpPublicKeyRingBundle(input);
            }
            catch (Exception e) when (e is IOException or PgpException)
            {
                throw new InvalidDataException($"unable to verify Git {kind}: unable to read armored key ring: {e.Message}", e);
            }
            var keyRing = bundle.GetPublicKeyRing(signature.KeyId);
            var key = keyRing?.GetPublicKey(signature.KeyId);
            if (key is null)
                continue;
            signature.InitVerify(key);
            signature.Update(signed);
            if (signature.Verify())
                return keyRing!.GetPublicKey().KeyId.ToString("X16", System.Globalization.CultureInfo.InvariantCulture);
        }
        throw new InvalidDataException($"unable to verify Git {kind}: unable to verify payload with any of the given key rings");
    }

    private static PgpSignature ReadSignature(byte[] armored, string kind)
    {
        try
        {
            using var input = PgpUtilities.GetDecoderStream(new MemoryStream(armored));
            var factory = new PgpObjectFactory(input);
            var item = factory.NextPgpObject();
            if (item is PgpCompressedData compressed)
                item = new PgpObjectFactory(compressed.GetDataStream()).NextPgpObject();
            if (item is PgpSignatureList { Count: > 0 } list)
                return list[0];
        }
        catch (Exception e) when (e is IOException or PgpException)
        {
            throw new InvalidDataException($"unable to verify Git {kind}: unable to read signature: {e.Message}", e);
        }
        throw new InvalidDataException($"unable to verify Git {kind}: the signature is not an OpenPGP signature");
    }

    /// <summary>Splits a raw commit into the signed payload (the object without its gpgsig header) and the
    /// signature (the header's value, continuation lines unindented).</summary>
    private static (byte[] Signed, byte[]? Signature) SplitCommit(byte[] raw)
    {
        var text = Encoding.Latin1.GetString(raw);
        var headerEnd = text.IndexOf("\n\n", StringComparison.Ordinal);
        var headers = headerEnd < 0 ? text : text[..(headerEnd + 1)];
        var start = headers.StartsWith("gpgsig ", StringComparison.Ordinal) ? 0 : headers.IndexOf("\ngpgsig ", StringComparison.Ordinal) + 1;
        if (start <= 0 && !headers.StartsWith("gpgsig ", StringComparison.Ordinal))
            return (raw, null);
        var end = start;
        var signature = new StringBuilder();
        do
        {
            var lineEnd = text.IndexOf('\n', end);
            var line = text[end..lineEnd];
            signature.Append(end == start ? line["gpgsig ".Length..] : line[1..]).Append('\n');
            end = lineEnd + 1;
        }
        while (end < headers.Length && text[end] == ' ');
        var signed = text[..start] + text[end..];
        return (Encoding.Latin1.GetBytes(signed), Encoding.Latin1.GetBytes(signature.ToString()));
    }

    private static int LastIndexOf(byte[] data, string value) =>
        Encoding.Latin1.GetString(data).LastIndexOf(value, StringComparison.Ordinal);
}
