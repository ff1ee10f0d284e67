namespace Tide.Engine.Api;

/// <summary>The bounds a metric's value must stay within (both inclusive; an unset bound does not apply).</summary>
public sealed record CanaryThresholdRange
{
    public double? Min { get; init; }

    public double? Max { get; init; }
}
