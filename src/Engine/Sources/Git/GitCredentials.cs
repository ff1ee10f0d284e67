using System.Text;

namespace Tide.Engine.Sources.Git;

/// <summary>
/// What a GitRepository's spec.secretRef gives the transport, with Flux's keys: 'username'/'password' (HTTP basic),
/// 'bearerToken', 'ca.crt' (trust for https), 'tls.crt'/'tls.key' (client certificate for https), 'identity'/'known_hosts'/'password' (SSH; the password then unlocks the
/// key). Never printed: <see cref="ToString"/> hides every value.
/// </summary>
public sealed record GitCredentials
{
    public string? Username { get; init; }
    public string? Password { get; init; }
    public string? BearerToken { get; init; }
    public byte[]? CaCertificate { get; init; }
    public byte[]? ClientCertificate { get; init; }
    public byte[]? ClientKey { get; init; }
    public byte[]? Identity { get; init; }
    public byte[]? KnownHosts { get; init; }

    /// <summary>The credentials in a Secret's data; null when it has none of the keys.</summary>
    public static GitCredentials? FromSecret(IReadOnlyDictionary<string, byte[]>? data)
    {
        if (data is null)
            return null;
        string? Text(string key) => data.TryGetValue(key, out var value) && value.Length > 0 ? Encoding.UTF8.GetString(value).Trim() : null;
        byte[]? Bytes(string key) => data.TryGetValue(key, out var value) && value.Length > 0 ? value : null;
        var credentials = new GitCredentials
        {
            Username = Text("username"),
            Password = Text("password"),
            BearerToken = Text("bearerToken"),
            CaCertificate = Bytes("ca.crt") ?? Bytes("caFile"),
            ClientCertificate = Bytes("tls.crt"),
            ClientKey = Bytes("tls.key"),
            Identity = Bytes("identity"),
            KnownHosts = Bytes("known_hosts"),
        };
        object?[] values = [credentials.Username, credentials.Password, credentials.BearerToken,
            credentials.CaCertificate, credentials.ClientCertificate, credentials.ClientKey, credentials.Identity, credentials.KnownHosts];
        return values.All(v => v is null) ? null : credentials;
    }

    /// <summary>The secret strings, so that messages can be scrubbed of them.</summary>
    internal IEnumerable<string> Secrets() => new[] { Password, BearerToken }.OfType<string>().Where(s => s.Length > 0);

    public override string ToString() => "GitCredentials { *** }";
}
