using System.Text.Json.Nodes;

namespace Tide.Engine.Api;

/// <summary>How a new revision is analysed: every interval the checks run; a canary advances its weight by
/// stepWeight (or stepWeights) up to maxWeight, blue/green runs iterations; threshold failed checks roll it back.</summary>
public sealed record CanaryAnalysis
{
    /// <summary>A Go duration between two steps; 60s when unset, never less than the node's minimum.</summary>
    public string? Interval { get; init; }

    /// <summary>Blue/green (and A/B with match): the number of checks before promotion.</summary>
    public int? Iterations { get; init; }

    public bool? Mirror { get; init; }

    public int? MirrorWeight { get; init; }

    public int? MaxWeight { get; init; }

    public int? StepWeight { get; init; }

    public IReadOnlyList<int>? StepWeights { get; init; }

    public int? StepWeightPromotion { get; init; }

    /// <summary>Failed checks before rollback; 1 when unset.</summary>
    public int? Threshold { get; init; }

    public int? PrimaryReadyThreshold { get; init; }

    public int? CanaryReadyThreshold { get; init; }

    public IReadOnlyList<CanaryAlert>? Alerts { get; init; }

    public IReadOnlyList<CanaryMetric>? Metrics { get; init; }

    public IReadOnlyList<CanaryWebhook>? Webhooks { get; init; }

    public IReadOnlyList<JsonObject>? Match { get; init; }

    public JsonObject? SessionAffinity { get; init; }
}
