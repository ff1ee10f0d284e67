using System.Text;
using System.Text.Json.Nodes;

namespace Tide.Engine.Canaries;

/// <summary>
/// The hash Flagger stores as lastAppliedSpec and lastPromotedSpec: FNV-1a (32 bit) of the pod template, its decimal
/// form encoded with Kubernetes' SafeEncodeString alphabet (no vowels, no look-alike digits), e.g. "5f8b6c7d9".
/// Flagger hashes its Go structs' printout; Tide hashes the canonical JSON (keys sorted), so the values differ from
/// Flagger's but change exactly when the template does.
/// </summary>
public static class SpecHash
{
    private const string Alphabet = "bcdfghjklmnpqrstvwxz2456789";

    public static string Of(JsonNode? value)
    {
        var hash = 2166136261u;
        foreach (var b in Encoding.UTF8.GetBytes(Canonical(value)))
        {
            hash ^= b;
            hash *= 16777619u;
        }
        var digits = hash.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return string.Concat(digits.Select(d => Alphabet[d % Alphabet.Length]));
    }

    /// <summary>JSON with object keys sorted at every level, so that key order never changes the hash.</summary>
    public static string Canonical(JsonNode? value) => value switch
    {
        JsonObject o => "{" + string.Join(",", o.OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => JsonValue.Create(p.Key).ToJsonString() + ":" + Canonical(p.Value))) + "}",
        JsonArray a => "[" + string.Join(",", a.Select(Canonical)) + "]",
        null => "null",
        _ => value.ToJsonString(),
    };
}
