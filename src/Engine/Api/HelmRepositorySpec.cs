namespace Tide.Engine.Api;

/// <summary>Where the chart repository is, how to authenticate and how often to look at it.</summary>
public sealed record HelmRepositorySpec
{
    /// <summary>The repository's address: http(s):// (the folder of index.yaml) or oci://.</summary>
    [SchemaPattern("^(http|https|oci)://.*$")]
    public required string Url { get; init; }

    /// <summary>Secret with username/password (basic auth); for type oci also a .dockerconfigjson.</summary>
    public LocalObjectReference? SecretRef { get; init; }

    /// <summary>Secret with ca.crt and/or tls.crt/tls.key for the repository's TLS.</summary>
    public LocalObjectReference? CertSecretRef { get; init; }

    /// <summary>Send the credentials also to a host other than the repository's (charts linked from the index).</summary>
    public bool? PassCredentials { get; init; }

    /// <summary>How often the index is downloaded; Flux's HelmRepositories of type oci need none.</summary>
    [SchemaPattern("^([0-9]+(\\.[0-9]+)?(ms|s|m|h))+$")]
    public GoDuration? Interval { get; init; }

    /// <summary>Allows plain HTTP to an OCI registry.</summary>
    public bool? Insecure { get; init; }

    /// <summary>Timeout of the index download (or of an OCI registry call), 60s when not set.</summary>
    [SchemaPattern("^([0-9]+(\\.[0-9]+)?(ms|s|m))+$")]
    public GoDuration? Timeout { get; init; }

    public bool? Suspend { get; init; }

    /// <summary>Namespaces allowed to use this repository (Flux's cross-namespace ACL).</summary>
    public AccessFrom? AccessFrom { get; init; }

    [SchemaEnum(HelmRepository.TypeDefault, HelmRepository.TypeOci)]
    public string? Type { get; init; }

    /// <summary>Authentication provider of an OCI registry, 'generic' when not set.</summary>
    [SchemaEnum("generic", "aws", "azure", "gcp")]
    [SchemaDefault("\"generic\"")]
    public string? Provider { get; init; }

    public bool IsOci() => Type == HelmRepository.TypeOci;

    /// <summary>The timeout of remote operations, with Flux's default of 60s.</summary>
    public TimeSpan GetTimeout() => Timeout?.Value ?? TimeSpan.FromSeconds(60);

    /// <summary>The interval, with Flux's default of 1m for a repository that sets none.</summary>
    public TimeSpan GetInterval() => Interval?.Value ?? TimeSpan.FromMinutes(1);
}
