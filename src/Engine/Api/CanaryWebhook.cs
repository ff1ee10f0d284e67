namespace Tide.Engine.Api;

/// <summary>An HTTP POST Flagger makes at a stage of the analysis; a status above 202 means no (halt, wait, or for
/// rollback hooks: do not roll back).</summary>
public sealed record CanaryWebhook
{
    /// <summary>rollout (the default), pre-rollout, post-rollout, confirm-rollout, confirm-promotion,
    /// confirm-traffic-increase, rollback or event.</summary>
    [SchemaEnum("", "confirm-rollout", "pre-rollout", "rollout", "confirm-promotion", "post-rollout", "event",
        "rollback", "confirm-traffic-increase")]
    public string? Type { get; init; }

    public required string Name { get; init; }

    public required string Url { get; init; }

    public bool? MuteAlert { get; init; }

    /// <summary>A Go duration; 10s when unset.</summary>
    public string? Timeout { get; init; }

    public IReadOnlyDictionary<string, string>? Metadata { get; init; }

    public int? Retries { get; init; }

    public bool? DisableTLS { get; init; }
}
