namespace Tide.Engine.Decryption;

/// <summary>Bech32 (BIP 173) decoding without the 90-character limit, as age uses it for keys.</summary>
internal static class Bech32
{
    private const string Charset = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";

    public static (string Hrp, byte[] Data) Decode(string text)
    {
        var lower = text.ToLowerInvariant();
        if (lower != text && text.ToUpperInvariant() != text)
            throw new FormatException("mixed-case Bech32 string");
        var separator = lower.LastIndexOf('1');
        if (separator < 1 || separator + 7 > lower.Length)
            throw new FormatException("malformed Bech32 string");
        var hrp = lower[..separator];
        var values = new byte[lower.Length - separator - 1];
        for (var i = 0; i < values.Length; i++)
        {
            var v = Charset.IndexOf(lower[separator + 1 + i]);
            if (v < 0)
                throw new FormatException("invalid Bech32 character");
            values[i] = (byte)v;
        }
        if (Polymod([.. ExpandHrp(hrp), .. values]) != 1)
            throw new FormatException("invalid Bech32 checksum");
        return (hrp, ConvertBits(values.AsSpan(0, values.Length - 6)));
    }

    private static byte[] ExpandHrp(string hrp) =>
        [.. hrp.Select(c => (byte)(c >> 5)), 0, .. hrp.Select(c => (byte)(c & 31))];

    private static uint Polymod(ReadOnlySpan<byte> values)
    {
        ReadOnlySpan<uint> generator = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3];
        uint chk = 1;
        foreach (var v in values)
        {
            var top = chk >> 25;
            chk = (chk & 0x1ffffff) << 5 ^ v;
            for (var i = 0; i < 5; i++)
                if ((top >> i & 1) != 0)
                    chk ^= generator[i];
        }
        return chk;
    }

    /// <summary>5-bit groups to bytes; leftover bits must be zero padding.</summary>
    private static byte[] ConvertBits(ReadOnlySpan<byte> data)
    {
        var result = new List<byte>();
        int acc = 0, bits = 0;
        foreach (var value in data)
        {
            acc = acc << 5 | value;
            bits += 5;
            if (bits >= 8)
            {
                bits -= 8;
                result.Add((byte)(acc >> bits & 0xff));
            }
        }
        if (bits >= 5 || (acc << (8 - bits) & 0xff) != 0)
            throw new FormatException("invalid Bech32 padding");
        return [.. result];
    }
}
