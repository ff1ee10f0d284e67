using System.Text.Json.Serialization;

namespace Tide.Engine.Api;

/// <summary>Which OCI artifact to pull, how to authenticate and how often.</summary>
public sealed record OciRepositorySpec
{
    /// <summary>"oci://&lt;host&gt;[:port]/&lt;repository&gt;", without tag or digest.</summary>
    [SchemaPattern("^oci://.*$")]
    public required string Url { get; init; }

    /// <summary>The tag, semver range or digest to pull; tag 'latest' when not set.</summary>
    [JsonPropertyName("ref")]
    public OciRepositoryRef? Reference { get; init; }

    /// <summary>Which layer to take and whether to extract it or copy it as is.</summary>
    public OciLayerSelector? LayerSelector { get; init; }

    /// <summary>Authentication provider, 'generic' when not set.</summary>
    [SchemaEnum("generic", "aws", "azure", "gcp")]
    [SchemaDefault("\"generic\"")]
    public string? Provider { get; init; }

    /// <summary>Secret of type kubernetes.io/dockerconfigjson with registry credentials.</summary>
    public LocalObjectReference? SecretRef { get; init; }

    /// <summary>Signature verification of the artifact.</summary>
    public OciRepositoryVerification? Verify { get; init; }

    /// <summary>ServiceAccount whose image pull secrets are used to authenticate.</summary>
    public string? ServiceAccountName { get; init; }

    /// <summary>Secret with ca.crt and/or tls.crt/tls.key for the registry's TLS.</summary>
    public LocalObjectReference? CertSecretRef { get; init; }

    /// <summary>Secret with the proxy configuration for talking to the registry.</summary>
    public LocalObjectReference? ProxySecretRef { get; init; }

    /// <summary>How often the registry is checked for updates.</summary>
    [SchemaPattern("^([0-9]+(\\.[0-9]+)?(ms|s|m|h))+$")]
    public required GoDuration Interval { get; init; }

    /// <summary>Timeout of remote operations, 60s when not set.</summary>
    [SchemaPattern("^([0-9]+(\\.[0-9]+)?(ms|s|m))+$")]
    [SchemaDefault("\"60s\"")]
    public GoDuration? Timeout { get; init; }

    /// <summary>Exclusion patterns in .sourceignore (gitignore) syntax; when set they replace the defaults.</summary>
    public string? Ignore { get; init; }

    /// <summary>Allows plain HTTP to the registry.</summary>
    public bool? Insecure { get; init; }

    public bool? Suspend { get; init; }

    /// <summary>The timeout of remote operations, with Flux's default of 60s.</summary>
    public TimeSpan GetTimeout() => Timeout?.Value ?? TimeSpan.FromSeconds(60);
}
