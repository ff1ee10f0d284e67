namespace Tide.Engine.Api;

/// <summary>The provider to ask and the query, a Go template over Flagger's variables ({{ namespace }},
/// {{ target }}, {{ interval }}, ...).</summary>
public sealed record MetricTemplateSpec
{
    public MetricTemplateProvider? Provider { get; init; }

    public string? Query { get; init; }
}
