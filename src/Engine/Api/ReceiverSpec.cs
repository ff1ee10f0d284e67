namespace Tide.Engine.Api;

/// <summary>Which webhook sender to expect, how to validate its calls and what to reconcile on a valid one.</summary>
public sealed record ReceiverSpec
{
    /// <summary>The webhook sender: decides how a call is validated.</summary>
    [SchemaEnum("generic", "generic-hmac", "github", "gitlab", "bitbucket", "harbor", "dockerhub", "quay", "gcr",
        "nexus", "acr", "cdevents")]
    public required string Type { get; init; }

    /// <summary>How often the Receiver's token is read again; 10m when not set.</summary>
    [SchemaPattern("^([0-9]+(\\.[0-9]+)?(ms|s|m|h))+$")]
    [SchemaDefault("\"10m\"")]
    public GoDuration? Interval { get; init; }

    /// <summary>Events to handle, e.g. 'push' for GitHub or 'Push Hook' for GitLab; all when empty.</summary>
    public IReadOnlyList<string>? Events { get; init; }

    /// <summary>The resources to reconcile on a valid call.</summary>
    public required IReadOnlyList<ReceiverResourceReference> Resources { get; init; }

    /// <summary>A CEL expression over 'res' (a resource's apiVersion, kind, metadata) and 'req' (the call's JSON
    /// body): the resources for which it is false are not asked to reconcile.</summary>
    public string? ResourceFilter { get; init; }

    /// <summary>The Secret whose 'token' key validates calls and names the webhook path.</summary>
    public required LocalObjectReference SecretRef { get; init; }

    /// <summary>Calls to a suspended Receiver are refused (503).</summary>
    public bool? Suspend { get; init; }

    public TimeSpan GetInterval() => Interval?.Value ?? TimeSpan.FromMinutes(10);
}
