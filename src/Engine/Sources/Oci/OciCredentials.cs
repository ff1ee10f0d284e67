using System.Text;
using System.Text.Json;

namespace Tide.Engine.Sources.Oci;

/// <summary>A username and password for a registry, e.g. from a kubernetes.io/dockerconfigjson Secret.</summary>
public sealed record OciCredentials(string Username, string Password)
{
    /// <summary>The credentials a .dockerconfigjson document holds for <paramref name="registry"/> (host[:port]),
    /// or null when it has none. Entries may be keyed by host or by URL ("https://host/v1/"), and carry either
    /// username/password or a base64 "auth" of "user:password".</summary>
    public static OciCredentials? FromDockerConfigJson(string json, string registry)
    {
        using var document = JsonDocument.Parse(json);
        if (!document.RootElement.TryGetProperty("auths", out var auths) || auths.ValueKind != JsonValueKind.Object)
            throw new FormatException("the .dockerconfigjson has no 'auths' object");
        foreach (var entry in auths.EnumerateObject())
        {
            if (!string.Equals(HostOf(entry.Name), registry, StringComparison.OrdinalIgnoreCase))
                continue;
            var username = Text(entry.Value, "username");
            var password = Text(entry.Value, "password");
            if (Text(entry.Value, "auth") is { Length: > 0 } auth)
            {
                var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(auth));
                var colon = decoded.IndexOf(':');
                if (colon < 0)
                    throw new FormatException($"the auth entry for '{entry.Name}' is not 'user:password'");
                (username, password) = (decoded[..colon], decoded[(colon + 1)..]);
            }
            if (username is not null && password is not null)
                return new OciCredentials(username, password);
        }
        return null;
    }

    private static string HostOf(string key)
    {
        var host = key;
        var scheme = host.IndexOf("://", StringComparison.Ordinal);
        if (scheme >= 0)
            host = host[(scheme + 3)..];
        var slash = host.IndexOf('/');
        return slash >= 0 ? host[..slash] : host;
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
