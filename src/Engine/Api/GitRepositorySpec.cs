using System.Text.Json.Serialization;

namespace Tide.Engine.Api;

/// <summary>What to fetch from Git and how often.</summary>
public sealed record GitRepositorySpec
{
    /// <summary>Repository URL. Flux accepts http(s) and ssh; Tide also accepts git://, file:// and local paths, so
    /// the schema carries no pattern.</summary>
    public required string Url { get; init; }

    /// <summary>Secret with credentials: username/password or bearerToken for HTTPS, identity/known_hosts for SSH.</summary>
    public LocalObjectReference? SecretRef { get; init; }

    /// <summary>Authentication provider, 'generic' when not set.</summary>
    [SchemaEnum("generic", "aws", "azure", "github")]
    public string? Provider { get; init; }

    /// <summary>ServiceAccount used to authenticate (providers 'azure' and 'aws' only).</summary>
    public string? ServiceAccountName { get; init; }

    /// <summary>How often the URL is checked for updates.</summary>
    [SchemaPattern("^([0-9]+(\\.[0-9]+)?(ms|s|m|h))+$")]
    public required GoDuration Interval { get; init; }

    /// <summary>Timeout of Git operations, 60s when not set.</summary>
    [SchemaPattern("^([0-9]+(\\.[0-9]+)?(ms|s|m))+$")]
    [SchemaDefault("\"60s\"")]
    public GoDuration? Timeout { get; init; }

    /// <summary>The reference to check out, the 'master' branch when not set.</summary>
    [JsonPropertyName("ref")]
    public GitRepositoryRef? Reference { get; init; }

    /// <summary>Commit signature verification.</summary>
    [JsonPropertyName("verify")]
    public GitRepositoryVerification? Verification { get; init; }

    /// <summary>Secret with the proxy for talking to the Git server over HTTP(S): 'address' (required), 'username'
    /// and 'password' (optional). Not used for SSH.</summary>
    public LocalObjectReference? ProxySecretRef { get; init; }

    /// <summary>Exclusion patterns in .sourceignore (gitignore) syntax; when set they replace the defaults.</summary>
    public string? Ignore { get; init; }

    public bool? Suspend { get; init; }

    /// <summary>Clone the submodules (recursively, at the commits the repository records) into the artifact, with
    /// the same credentials and proxy.</summary>
    public bool? RecurseSubmodules { get; init; }

    /// <summary>Other GitRepositories whose artifacts are copied into this one.</summary>
    public IReadOnlyList<GitRepositoryInclude>? Include { get; init; }

    /// <summary>Only these directories are checked out and packed.</summary>
    public IReadOnlyList<string>? SparseCheckout { get; init; }

    /// <summary>The timeout of Git operations, with Flux's default of 60s.</summary>
    public TimeSpan GetTimeout() => Timeout?.Value ?? TimeSpan.FromSeconds(60);
}
