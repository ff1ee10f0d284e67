namespace Tide.Engine.Api;

/// <summary>A check run every interval: a builtin (request-success-rate, request-duration), an inline PromQL query,
/// or a MetricTemplate; it passes when the value is within thresholdRange.</summary>
public sealed record CanaryMetric
{
    public required string Name { get; init; }

    /// <summary>The range the query looks back over ({{ interval }}); 1m when unset.</summary>
    public string? Interval { get; init; }

    public double? Threshold { get; init; }

    public CanaryThresholdRange? ThresholdRange { get; init; }

    public string? Query { get; init; }

    public CanaryCrossNamespaceReference? TemplateRef { get; init; }

    public IReadOnlyDictionary<string, string>? TemplateVariables { get; init; }
}
