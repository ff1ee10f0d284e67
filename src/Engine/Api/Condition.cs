namespace Tide.Engine.Api;

/// <summary>metav1.Condition as Flux sets it on every object it reconciles.</summary>
public sealed record Condition
{
    /// <summary>Ready, Reconciling, Stalled, ArtifactInStorage, ... (see <see cref="ConditionTypes"/>).</summary>
    public required string Type { get; init; }

    /// <summary>"True", "False" or "Unknown" (see <see cref="ConditionStatus"/>).</summary>
    [SchemaEnum(ConditionStatus.True, ConditionStatus.False, ConditionStatus.Unknown)]
    public required string Status { get; init; }

    public long? ObservedGeneration { get; init; }

    public required DateTimeOffset LastTransitionTime { get; init; }

    /// <summary>A CamelCase reason (see <see cref="ConditionReasons"/>).</summary>
    public required string Reason { get; init; }

    public required string Message { get; init; }
}
