using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Tide.Engine.Decryption;

internal sealed record AgeKeyStanza(string Recipient, string Enc);

internal sealed record PgpKeyStanza(string Fingerprint, string Enc);

/// <summary>The <c>sops</c> metadata of a document: wrapped data keys, the MAC and the rules for which values are encrypted.</summary>
internal sealed record SopsMetadata(
    IReadOnlyList<AgeKeyStanza> Age,
    IReadOnlyList<PgpKeyStanza> Pgp,
    string? Mac,
    string LastModified,
    bool MacOnlyEncrypted,
    Func<IReadOnlyList<string>, bool> ShouldBeEncrypted)
{
    private const string DefaultUnencryptedSuffix = "_unencrypted";

    /// <summary>SOPS' fixed prefix for the MAC when only encrypted values are hashed.</summary>
    public static ReadOnlySpan<byte> MacOnlyEncryptedInitialization =>
    [
        0x8a, 0x3f, 0xd2, 0xad, 0x54, 0xce, 0x66, 0x52, 0x7b, 0x10, 0x34, 0xf3, 0xd1, 0x47, 0xbe, 0x0b,
        0x0b, 0x97, 0x5b, 0x3b, 0xf4, 0x4f, 0x72, 0xc6, 0xfd, 0xad, 0xec, 0x81, 0x76, 0xf2, 0x7d, 0x69,
    ];

    public static SopsMetadata Parse(JsonObject sops)
    {
        var age = new List<AgeKeyStanza>();
        var pgp = new List<PgpKeyStanza>();
        Collect(sops, age, pgp);
        if (sops["key_groups"] is JsonArray groups)
        {
            if (groups.Count > 1)
                throw new SopsDecryptionException("sops key groups (Shamir secret sharing) are not supported");
            foreach (var group in groups.OfType<JsonObject>())
                Collect(group, age, pgp);
        }
        var rules = new[] { "unencrypted_suffix", "encrypted_suffix", "unencrypted_regex", "encrypted_regex", "unencrypted_comment_regex", "encrypted_comment_regex" }
            .Where(k => Text(sops[k]) is { Length: > 0 })
            .ToList();
        if (rules.Count > 1)
            throw new SopsDecryptionException($"cannot use more than one of {string.Join(", ", rules)} in a sops file");
        var lastModified = Text(sops["lastmodified"]) ?? throw new SopsDecryptionException("sops metadata has no lastmodified");
        return new SopsMetadata(age, pgp, Text(sops["mac"]), Rfc3339(lastModified),
            IsTrue(sops["mac_only_encrypted"]), Rule(rules.SingleOrDefault(), sops));
    }

    private static void Collect(JsonObject holder, List<AgeKeyStanza> age, List<PgpKeyStanza> pgp)
    {
        foreach (var entry in holder["age"] as JsonArray ?? [])
            if (Text(entry?["enc"]) is { } enc)
                age.Add(new AgeKeyStanza(Text(entry?["recipient"]) ?? "", enc));
        foreach (var entry in holder["pgp"] as JsonArray ?? [])
            if (Text(entry?["enc"]) is { } enc)
                pgp.Add(new PgpKeyStanza(Text(entry?["fp"]) ?? "", enc));
    }

    /// <summary>
    /// Whether a value at a key path is encrypted. Each rule is tested against every key of the path; the comment
    /// rules behave as for a value with no comments above it.
    /// </summary>
    private static Func<IReadOnlyList<string>, bool> Rule(string? rule, JsonObject sops)
    {
        var argument = rule is null ? DefaultUnencryptedSuffix : Text(sops[rule])!;
        Regex RegexOf() => new(argument, RegexOptions.CultureInvariant);
        switch (rule)
        {
            case null or "unencrypted_suffix":
                return path => !path.Any(k => k.EndsWith(argument, StringComparison.Ordinal));
            case "encrypted_suffix":
                return path => path.Any(k => k.EndsWith(argument, StringComparison.Ordinal));
            case "unencrypted_regex":
                var unencrypted = RegexOf();
                return path => !path.Any(unencrypted.IsMatch);
            case "encrypted_regex":
                var encrypted = RegexOf();
                return path => path.Any(encrypted.IsMatch);
            case "unencrypted_comment_regex":
                return _ => true;
            default:
                return _ => false;
        }
    }

    /// <summary>Go's <c>time.RFC3339</c> rendering of a parsed timestamp: whole seconds, <c>Z</c> for UTC.</summary>
    private static string Rfc3339(string value)
    {
        if (!DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.None, out var time))
            throw new SopsDecryptionException("sops metadata lastmodified is not an RFC 3339 time");
        var offset = time.Offset == TimeSpan.Zero
            ? "Z"
            : (time.Offset < TimeSpan.Zero ? "-" : "+") + time.Offset.ToString(@"hh\:mm", CultureInfo.InvariantCulture);
        return time.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture) + offset;
    }

    private static bool IsTrue(JsonNode? node) =>
        node is JsonValue v && (v.TryGetValue<bool>(out var b) ? b : v.TryGetValue<string>(out var s) && s == "true");

    private static string? Text(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
}
