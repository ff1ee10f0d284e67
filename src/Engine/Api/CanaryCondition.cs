namespace Tide.Engine.Api;

/// <summary>A condition of a Canary: Flagger's Promoted, and Tide's Ready and Stalled (what stops the analysis,
/// with a message a user can act on).</summary>
public sealed record CanaryCondition
{
    public required string Type { get; init; }

    [SchemaEnum(ConditionStatus.True, ConditionStatus.False, ConditionStatus.Unknown)]
    public required string Status { get; init; }

    public DateTimeOffset? LastUpdateTime { get; init; }

    public DateTimeOffset? LastTransitionTime { get; init; }

    public string? Reason { get; init; }

    public string? Message { get; init; }
}
