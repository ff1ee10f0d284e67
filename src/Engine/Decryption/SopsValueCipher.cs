using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Modes;
using Org.BouncyCastle.Crypto.Parameters;

namespace Tide.Engine.Decryption;

/// <summary>
/// SOPS' value encryption: <c>ENC[AES256_GCM,data:..,iv:..,tag:..,type:..]</c>, AES-256-GCM with the key path as
/// additional data. SOPS uses 32-byte IVs, which .NET's AesGcm refuses, hence BouncyCastle's GCM.
/// </summary>
internal static partial class SopsValueCipher
{
    public static bool IsEncryptedValue(string value) => Format().IsMatch(value);

    /// <summary>The plaintext and its SOPS type (str, int, float, bool, bytes, time, comment).</summary>
    /// <exception cref="SopsDecryptionException">not in SOPS' format, or not authentic for this key and path</exception>
    public static (byte[] Plaintext, string Type) Decrypt(string value, byte[] key, string additionalData)
    {
        var match = Format().Match(value);
        if (!match.Success)
            throw new SopsDecryptionException($"the value at '{additionalData}' does not match sops' data format");
        byte[] data, iv, tag;
        try
        {
            data = Convert.FromBase64String(match.Groups["data"].Value);
            iv = Convert.FromBase64String(match.Groups["iv"].Value);
            tag = Convert.FromBase64String(match.Groups["tag"].Value);
        }
        catch (FormatException)
        {
            throw new SopsDecryptionException($"the value at '{additionalData}' has invalid base64 in its data, iv or tag");
        }
        var gcm = new GcmBlockCipher(new AesEngine());
        gcm.Init(false, new AeadParameters(new KeyParameter(key), tag.Length * 8, iv, Encoding.UTF8.GetBytes(additionalData)));
        var input = new byte[data.Length + tag.Length];
        data.CopyTo(input, 0);
        tag.CopyTo(input, data.Length);
        var output = new byte[gcm.GetOutputSize(input.Length)];
        try
        {
            var written = gcm.ProcessBytes(input, 0, input.Length, output, 0);
            written += gcm.DoFinal(output, written);
            return (output[..written], match.Groups["type"].Value);
        }
        catch (InvalidCipherTextException)
        {
            throw new SopsDecryptionException(
                $"could not decrypt the value at '{additionalData}' with AES_GCM: message authentication failed (wrong data key, or the value or its key path was changed)");
        }
    }

    /// <summary>The decrypted value as SOPS types it, for the tree.</summary>
    public static JsonNode ToNode(byte[] plaintext, string type, string path)
    {
        var text = Encoding.UTF8.GetString(plaintext);
        switch (type)
        {
            case "str" or "bytes" or "time":
                return JsonValue.Create(text);
            case "int" when long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l):
                return JsonValue.Create(l);
            case "float" when double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d):
                return JsonValue.Create(d);
            case "bool" when ParseGoBool(text) is { } b:
                return JsonValue.Create(b);
            case "int" or "float" or "bool":
                throw new SopsDecryptionException($"the value at '{path}' is not a valid {type}");
            default:
                throw new SopsDecryptionException($"the value at '{path}' has an unknown datatype '{type}'");
        }
    }

    private static bool? ParseGoBool(string text) => text switch
    {
        "1" or "t" or "T" or "TRUE" or "true" or "True" => true,
        "0" or "f" or "F" or "FALSE" or "false" or "False" => false,
        _ => null,
    };

    [GeneratedRegex(@"^ENC\[AES256_GCM,data:(?<data>.*),iv:(?<iv>.+),tag:(?<tag>.+),type:(?<type>.+)\]$", RegexOptions.Singleline)]
    private static partial Regex Format();
}
