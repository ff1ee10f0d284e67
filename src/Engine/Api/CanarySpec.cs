namespace Tide.Engine.Api;

/// <summary>What a Canary delivers (targetRef), how traffic reaches it (provider, service) and how each new revision
/// is analysed (analysis).</summary>
public sealed record CanarySpec
{
    /// <summary>The traffic router: Tide serves 'kubernetes' (blue/green by Service selectors) and 'gatewayapi'
    /// (HTTPRoute weights); empty: the node's default (tide.canary.default-provider).</summary>
    public string? Provider { get; init; }

    /// <summary>The Prometheus the builtin metrics query; empty: the node's (tide.canary.metrics-server).</summary>
    public string? MetricsServer { get; init; }

    /// <summary>The workload delivered: a Deployment.</summary>
    public required CanaryTargetReference TargetRef { get; init; }

    public CanaryAutoscalerReference? AutoscalerRef { get; init; }

    public CanaryTargetReference? IngressRef { get; init; }

    public CanaryTargetReference? RouteRef { get; init; }

    public CanaryCrossNamespaceReference? UpstreamRef { get; init; }

    public required CanaryService Service { get; init; }

    public CanaryAnalysis? Analysis { get; init; }

    /// <summary>The older name of <see cref="Analysis"/>, still read when that is unset.</summary>
    public CanaryAnalysis? CanaryAnalysis { get; init; }

    /// <summary>How long a rollout may take before it counts as failed; 600 when unset.</summary>
    public int? ProgressDeadlineSeconds { get; init; }

    public bool? SkipAnalysis { get; init; }

    public bool? RevertOnDeletion { get; init; }

    public bool? Suspend { get; init; }
}
