namespace Tide.Engine.Api;

/// <summary>A notification service: its type, address, credentials (secretRef), TLS (certSecretRef), proxy and
/// timeout.</summary>
public sealed record ProviderSpec
{
    /// <summary>The service; Flux's whole list is accepted, Tide sends to the types of
    /// Notifications.Providers.NotifierFactory.Supported and reports the others when an event is dispatched.</summary>
    [SchemaEnum("slack", "discord", "msteams", "rocket", "generic", "generic-hmac", "github", "gitlab", "gitea",
        "giteapullrequestcomment", "bitbucketserver", "bitbucket", "azuredevops", "googlechat", "googlepubsub", "webex",
        "sentry", "azureeventhub", "telegram", "lark", "matrix", "opsgenie", "alertmanager", "grafana", "githubdispatch",
        "githubpullrequestcomment", "gitlabmergerequestcomment", "pagerduty", "datadog", "nats", "zulip", "otel", "zoom",
        "incident.io")]
    public required string Type { get; init; }

    /// <summary>Not used (deprecated in Flux's v1beta3).</summary>
    [SchemaPattern("^([0-9]+(\\.[0-9]+)?(ms|s|m|h))+$")]
    public GoDuration? Interval { get; init; }

    /// <summary>The channel (or room) to post to, for the types that have one.</summary>
    [SchemaLength(0, 2048)]
    public string? Channel { get; init; }

    /// <summary>The name to post as, for the types that have one.</summary>
    [SchemaLength(0, 2048)]
    public string? Username { get; init; }

    /// <summary>Where to send: a webhook URL, or the Git repository URL for commit statuses. The 'address' key of
    /// secretRef overrides it.</summary>
    [SchemaLength(0, 2048)]
    public string? Address { get; init; }

    /// <summary>How long one notification may take, retries included; 15s when not set.</summary>
    [SchemaPattern("^([0-9]+(\\.[0-9]+)?(ms|s|m))+$")]
    public GoDuration? Timeout { get; init; }

    /// <summary>An HTTP(S) proxy address (deprecated in Flux: use proxySecretRef).</summary>
    [SchemaPattern("^(http|https)://.*$")]
    [SchemaLength(0, 2048)]
    public string? Proxy { get; init; }

    /// <summary>A Secret with the proxy's 'address' and optional 'username'/'password'.</summary>
    public LocalObjectReference? ProxySecretRef { get; init; }

    /// <summary>A Secret with 'address', 'token', 'username'/'password', 'headers' (YAML map, generic types).</summary>
    public LocalObjectReference? SecretRef { get; init; }

    /// <summary>Workload identity (not supported by Tide: reported when an event is dispatched).</summary>
    public string? ServiceAccountName { get; init; }

    /// <summary>A Secret with 'ca.crt' and/or 'tls.crt' + 'tls.key'.</summary>
    public LocalObjectReference? CertSecretRef { get; init; }

    /// <summary>A suspended Provider sends nothing.</summary>
    public bool? Suspend { get; init; }

    /// <summary>A CEL expression naming the commit status (github, gitlab, gitea, bitbucketserver, bitbucket,
    /// azuredevops).</summary>
    public string? CommitStatusExpr { get; init; }

    public TimeSpan GetTimeout() => Timeout?.Value ?? TimeSpan.FromSeconds(15);
}
