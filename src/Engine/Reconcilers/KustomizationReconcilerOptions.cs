using Tide.Engine.Artifacts;

namespace Tide.Engine.Reconcilers;

/// <summary>Settings of the Kustomization reconciler.</summary>
public sealed record KustomizationReconcilerOptions
{
    /// <summary>The field manager of server-side applies.</summary>
    public string FieldManager { get; init; } = "tide";

    /// <summary>Caps on what an artifact may unpack to (in memory).</summary>
    public UnpackLimits UnpackLimits { get; init; } = UnpackLimits.Default;

    /// <summary>An undefined postBuild variable without a default fails the build (Flux's
    /// StrictPostBuildSubstitutions feature gate, off by default); off, it expands to an empty string.</summary>
    public bool StrictSubstitution { get; init; }

    /// <summary>Multi-tenancy: a Kustomization may only use sources of its own namespace.</summary>
    public bool NoCrossNamespaceRefs { get; init; }

    /// <summary>Multi-tenancy: the ServiceAccount (of the Kustomization's namespace) impersonated when a Kustomization
    /// sets no spec.serviceAccountName (Flux's --default-service-account); empty: Tide's own identity.</summary>
    public string DefaultServiceAccount { get; init; } = "";

    /// <summary>How soon a Kustomization waiting on a dependency, or on its source's first artifact, looks again
    /// (Flux's --requeue-dependency). Dependencies also push their readiness, so this is the fallback.</summary>
    public TimeSpan DependencyRequeueInterval { get; init; } = TimeSpan.FromSeconds(30);

    public TimeProvider Time { get; init; } = TimeProvider.System;
}
