using System.Text;
using Tide.Engine.Api;

namespace Tide.Engine.Sources.Git;

/// <summary>
/// The proxy of a GitRepository's spec.proxySecretRef, with Flux's keys: 'address' (required; an http or https
/// URL), 'username' and 'password' (optional, basic authentication to the proxy). Every HTTP(S) request for
/// that repository (and its submodules) goes through it; SSH remotes do not use it. Never printed:
/// <see cref="ToString"/> hides the password.
/// </summary>
public sealed record GitProxy
{
    /// <summary>The proxy's scheme, host and port, without credentials (safe for messages).</summary>
    public required Uri Address { get; init; }

    public string? Username { get; init; }

    public string? Password { get; init; }

    /// <summary>The proxy of the Secret <paramref name="secretName"/> in <paramref name="namespace"/> whose data is
    /// <paramref name="data"/> (null: the Secret does not exist). Fails with source-controller's reason and messages.</summary>
    /// <exception cref="SourceFetchException">AuthenticationFailed: no Secret, no or an invalid address.</exception>
    public static GitProxy FromSecret(string @namespace, string secretName, IReadOnlyDictionary<string, byte[]>? data)
    {
        var reference = $"{@namespace}/{secretName}";
        if (data is null)
            throw Invalid($"secret '{reference}' not found");
        if (!data.TryGetValue("address", out var addressBytes))
            throw Invalid($"secret '{reference}': key 'address' not found");
        var address = Encoding.UTF8.GetString(addressBytes).Trim();
        if (address.Length == 0)
            throw Invalid($"secret '{reference}': proxy address is empty");
        if (!Uri.TryCreate(address, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host))
            throw Invalid($"secret '{reference}': failed to parse proxy address '{address}'");
        if (uri.Scheme is not ("http" or "https"))
            throw Invalid($"secret '{reference}': proxy URL must use http or https scheme, got '{uri.Scheme}'");
        string? Text(string key) => data.TryGetValue(key, out var value) ? Encoding.UTF8.GetString(value) : null;
        return new GitProxy
        {
            Address = new Uri(uri.GetLeftPart(UriPartial.Authority)),
            Username = Text("username"),
            Password = Text("password"),
        };
    }

    /// <summary>The proxy URL for git's http.proxy, credentials percent-encoded in its user part.</summary>
    internal string ConfigUrl()
    {
        if (Username is null)
            return Address.ToString().TrimEnd('/');
        var user = Uri.EscapeDataString(Username) + (Password is null ? "" : ":" + Uri.EscapeDataString(Password));
        return $"{Address.Scheme}://{user}@{Address.Authority}";
    }

    private static SourceFetchException Invalid(string detail) =>
        new(ConditionReasons.AuthenticationFailed, $"failed to configure proxy options: {detail}");

    public override string ToString() => $"GitProxy {{ {Address.GetLeftPart(UriPartial.Authority)} }}";
}
