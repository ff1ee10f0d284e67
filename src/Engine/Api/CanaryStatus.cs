namespace Tide.Engine.Api;

/// <summary>Where a Canary's analysis stands, as Flagger reports it: the phase, the weight routed to the canary,
/// failed checks and iterations so far, and the hashes of the pod template last applied and last promoted. The
/// analysis resumes from these after the entity moves to another node.</summary>
public sealed record CanaryStatus
{
    [SchemaEnum("", "Initializing", "Initialized", "Waiting", "Progressing", "WaitingPromotion", "Promoting",
        "Finalising", "Succeeded", "Failed", "Terminating", "Terminated")]
    public string? Phase { get; init; }

    public int FailedChecks { get; init; }

    public int CanaryWeight { get; init; }

    public int Iterations { get; init; }

    /// <summary>ConfigMaps and Secrets of the target ("configmap/name", "secret/name") and their checksums.</summary>
    public IReadOnlyDictionary<string, string>? TrackedConfigs { get; init; }

    public string? LastAppliedSpec { get; init; }

    public string? LastPromotedSpec { get; init; }

    public DateTimeOffset? LastTransitionTime { get; init; }

    public IReadOnlyList<CanaryCondition>? Conditions { get; init; }
}
