namespace Tide.Engine.Api;

/// <summary>Which bucket to read, how to authenticate and how often.</summary>
public sealed record BucketSpec
{
    public const string GenericProvider = "generic";
    public const string AwsProvider = "aws";
    public const string AzureProvider = "azure";

    /// <summary>The storage provider, 'generic' (any S3-compatible API) when not set.</summary>
    [SchemaEnum(GenericProvider, AwsProvider, "gcp", AzureProvider)]
    [SchemaDefault("\"generic\"")]
    public string? Provider { get; init; }

    public required string BucketName { get; init; }

    /// <summary>"host[:port]" of the storage API.</summary>
    public required string Endpoint { get; init; }

    /// <summary>Security token service used to get temporary credentials.</summary>
    public BucketStsSpec? Sts { get; init; }

    /// <summary>Allows plain HTTP to the endpoint.</summary>
    public bool? Insecure { get; init; }

    /// <summary>The bucket's region (required by some providers, e.g. aws).</summary>
    public string? Region { get; init; }

    /// <summary>Only objects whose key starts with this prefix are fetched.</summary>
    public string? Prefix { get; init; }

    /// <summary>Secret with accesskey and secretkey.</summary>
    public LocalObjectReference? SecretRef { get; init; }

    /// <summary>Secret with ca.crt and/or tls.crt/tls.key for the endpoint's TLS.</summary>
    public LocalObjectReference? CertSecretRef { get; init; }

    /// <summary>Secret with the proxy configuration for talking to the endpoint.</summary>
    public LocalObjectReference? ProxySecretRef { get; init; }

    /// <summary>ServiceAccount used to authenticate (providers 'aws', 'gcp' and 'azure' only).</summary>
    public string? ServiceAccountName { get; init; }

    /// <summary>How often the bucket is checked for updates.</summary>
    [SchemaPattern("^([0-9]+(\\.[0-9]+)?(ms|s|m|h))+$")]
    public required GoDuration Interval { get; init; }

    /// <summary>Timeout of fetch operations, 60s when not set.</summary>
    [SchemaPattern("^([0-9]+(\\.[0-9]+)?(ms|s|m))+$")]
    [SchemaDefault("\"60s\"")]
    public GoDuration? Timeout { get; init; }

    /// <summary>Exclusion patterns in .sourceignore (gitignore) syntax, added to those of the bucket's .sourceignore.</summary>
    public string? Ignore { get; init; }

    public bool? Suspend { get; init; }

    /// <summary>The timeout of fetch operations, with Flux's default of 60s.</summary>
    public TimeSpan GetTimeout() => Timeout?.Value ?? TimeSpan.FromSeconds(60);
}
