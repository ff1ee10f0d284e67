namespace Tide.Engine.Canaries;

/// <summary>Settings of the Canary reconciler (Flagger's command-line flags of the same meaning).</summary>
public sealed record CanaryReconcilerOptions
{
    /// <summary>The field manager of the objects a Canary generates and of its status.</summary>
    public string FieldManager { get; init; } = "flagger";

    /// <summary>The router of Canaries without spec.provider (Flagger's --mesh-provider).</summary>
    public string DefaultProvider { get; init; } = CanaryProviders.Kubernetes;

    /// <summary>The Prometheus of the builtin metrics and inline queries (Flagger's --metrics-server).</summary>
    public string MetricsServer { get; init; } = "http://prometheus:9090";

    /// <summary>The shortest analysis interval; a Canary asking for less gets this (Flagger: 10s).</summary>
    public TimeSpan MinAnalysisInterval { get; init; } = TimeSpan.FromSeconds(10);
}
