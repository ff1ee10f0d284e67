using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Tide.Engine.Decryption;

/// <summary>
/// Decrypts a SOPS document tree in place and computes its MAC as SOPS does: leaves in document order, every value
/// (clear or decrypted, after type conversion) fed to SHA-512, upper-case hex. The AAD of a value is its map keys from
/// the root joined with ':' plus a trailing ':'; list indices are not part of it.
/// </summary>
internal static class SopsTree
{
    public static string Decrypt(JsonObject tree, SopsMetadata metadata, byte[] dataKey)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA512);
        if (metadata.MacOnlyEncrypted)
            hash.AppendData(SopsMetadata.MacOnlyEncryptedInitialization);
        WalkObject(tree, [], metadata, dataKey, hash);
        return Convert.ToHexString(hash.GetHashAndReset());
    }

    private static void WalkObject(JsonObject obj, List<string> path, SopsMetadata metadata, byte[] key, IncrementalHash hash)
    {
        foreach (var name in obj.Select(kv => kv.Key).ToList())
        {
            path.Add(name);
            var child = obj[name];
            var result = Walk(child, path, metadata, key, hash);
            if (!ReferenceEquals(result, child))
                obj[name] = result;
            path.RemoveAt(path.Count - 1);
        }
    }

    private static JsonNode? Walk(JsonNode? node, List<string> path, SopsMetadata metadata, byte[] key, IncrementalHash hash)
    {
        switch (node)
        {
            case null:
                return null;
            case JsonObject obj:
                WalkObject(obj, path, metadata, key, hash);
                return obj;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    var item = array[i];
                    var walked = Walk(item, path, metadata, key, hash);
                    if (!ReferenceEquals(walked, item))
                        array[i] = walked;
                }
                return array;
        }
        var value = (JsonValue)node;
        var encrypted = metadata.ShouldBeEncrypted(path);
        JsonNode result = value;
        if (encrypted)
        {
            var aad = string.Concat(path.Select(p => p + ":"));
            if (!value.TryGetValue<string>(out var text))
                throw new SopsDecryptionException($"expected an encrypted string at '{aad}', found a {value.GetValueKind()}");
            if (text.Length > 0)
            {
                var (plaintext, type) = SopsValueCipher.Decrypt(text, key, aad);
                result = SopsValueCipher.ToNode(plaintext, type, aad);
            }
        }
        if (!metadata.MacOnlyEncrypted || encrypted)
            hash.AppendData(MacBytes((JsonValue)result));
        return result;
    }

    /// <summary>A value's bytes as SOPS hashes them (Go's rendering of strings, ints, floats and bools).</summary>
    private static byte[] MacBytes(JsonValue value)
    {
        switch (value.GetValueKind())
        {
            case JsonValueKind.String:
                return Encoding.UTF8.GetBytes(value.GetValue<string>());
            case JsonValueKind.True:
                return "True"u8.ToArray();
            case JsonValueKind.False:
                return "False"u8.ToArray();
            case JsonValueKind.Number:
                if (value.TryGetValue<long>(out var l))
                    return Encoding.ASCII.GetBytes(l.ToString(CultureInfo.InvariantCulture));
                return Encoding.ASCII.GetBytes(GoFloat(value.GetValue<double>()));
            default:
                return [];
        }
    }

    /// <summary>Go's <c>strconv.FormatFloat(f, 'f', -1, 64)</c>: the shortest round-trip digits, never an exponent.</summary>
    internal static string GoFloat(double value)
    {
        var r = value.ToString("R", CultureInfo.InvariantCulture);
        var e = r.IndexOfAny(['E', 'e']);
        if (e < 0)
            return r;
        var negative = r.StartsWith('-');
        var mantissa = r[(negative ? 1 : 0)..e];
        var exponent = int.Parse(r[(e + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        var dot = mantissa.IndexOf('.');
        var digits = mantissa.Replace(".", "", StringComparison.Ordinal);
        var pointAt = (dot < 0 ? mantissa.Length : dot) + exponent;
        string text;
        if (pointAt <= 0)
            text = "0." + new string('0', -pointAt) + digits;
        else if (pointAt >= digits.Length)
            text = digits + new string('0', pointAt - digits.Length);
        else
            text = digits[..pointAt] + "." + digits[pointAt..];
        return (negative ? "-" : "") + text;
    }
}
