using Tide.Engine.Artifacts;
using Tide.Engine.Kube;

namespace Tide.Engine.HelmReleases;

/// <summary>Settings of the HelmRelease reconciler.</summary>
public sealed record HelmReleaseReconcilerOptions
{
    /// <summary>Field manager of the server-side applies of the release's objects.</summary>
    public string FieldManager { get; init; } = "tide";

    /// <summary>Limits for reading chart archives.</summary>
    public UnpackLimits UnpackLimits { get; init; } = UnpackLimits.Default;

    /// <summary>How often readiness is looked at again while a release waits (Flux polls every 5s).</summary>
    public TimeSpan HealthTick { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How often a running hook is looked at.</summary>
    public TimeSpan HookPoll { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Multi-tenancy: the ServiceAccount (of the HelmRelease's namespace) impersonated when a HelmRelease sets
    /// no spec.serviceAccountName (Flux's --default-service-account); empty: Tide's own identity.</summary>
    public string DefaultServiceAccount { get; init; } = "";

    /// <summary>Multi-tenancy: a HelmRelease may only take its chart from its own namespace (Flux's
    /// --no-cross-namespace-refs).</summary>
    public bool NoCrossNamespaceRefs { get; init; }

    /// <summary>The pooled clients of remote clusters (spec.kubeConfig), shared with the node's Kustomizations.</summary>
    public RemoteClusters Clusters { get; init; } = new();

    public TimeProvider Time { get; init; } = TimeProvider.System;
}
