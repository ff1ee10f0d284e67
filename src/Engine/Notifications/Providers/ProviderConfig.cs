using Tide.Engine.Sources.Git;

namespace Tide.Engine.Notifications.Providers;

/// <summary>
/// Everything a notifier needs, resolved from a Provider and its Secrets: the address (spec.address, or the
/// secretRef's 'address'), credentials ('token', 'username'/'password'), headers, channel and user name, TLS
/// (certSecretRef), proxy, and the commit status key for the Git providers. <see cref="ToString"/> shows no secret.
/// </summary>
public sealed record ProviderConfig
{
    public required string Type { get; init; }

    public string Address { get; init; } = "";

    public string? Token { get; init; }

    public string? Username { get; init; }

    public string? Password { get; init; }

    public string? Channel { get; init; }

    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();

    public GitProxy? Proxy { get; init; }

    /// <summary>The data of certSecretRef ('ca.crt', 'tls.crt', 'tls.key'); null: the system's defaults.</summary>
    public IReadOnlyDictionary<string, byte[]>? Tls { get; init; }

    public string TlsSecretName { get; init; } = "";

    /// <summary>The commit status key (Git providers): commitStatusExpr's value, or Flux's default
    /// "kind/name/&lt;first part of the Provider's UID&gt;".</summary>
    public string? CommitStatus { get; init; }

    /// <summary>The Provider's UID (Opsgenie's alias).</summary>
    public string ProviderUid { get; init; } = "";

    /// <summary>Values that must never appear in messages: every string read from the Provider's Secrets.</summary>
    public IReadOnlyList<string> Secrets { get; init; } = [];

    /// <summary><paramref name="message"/> with every secret value replaced by *****.</summary>
    public string Mask(string message)
    {
        foreach (var secret in Secrets.Where(s => s.Length > 0).OrderByDescending(s => s.Length))
            message = message.Replace(secret, "*****", StringComparison.Ordinal);
        return message;
    }

    public override string ToString() => $"ProviderConfig {{ Type = {Type} }}";
}
