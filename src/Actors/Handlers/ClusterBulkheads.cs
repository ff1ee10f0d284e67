using System.Collections.Concurrent;
using Tide.Engine.Api;

namespace Tide.Actors.Handlers;

/// <summary>
/// Which apply limit a Kustomization's reconcile takes: those applying to this cluster share the node's
/// (<c>tide.workers.apply</c>); those with <c>spec.kubeConfig</c> share one per kubeconfig Secret
/// (<c>tide.clusters.workers</c> each). A slow or unreachable remote cluster then holds its own slots only, and the
/// other clusters' Kustomizations never queue behind its.
/// </summary>
public sealed class ClusterBulkheads(int workersPerRemoteCluster)
{
    private readonly ConcurrentDictionary<string, StageLimiter> _remote = new(StringComparer.Ordinal);

    /// <summary>The remote cluster's limiter; null for a Kustomization applying to this cluster.</summary>
    public StageLimiter? For(Kustomization ks) => ks.Spec.KubeConfig?.SecretRef is { } secret
        ? _remote.GetOrAdd($"{ks.Metadata.NamespaceProperty}/{secret.Name}", _ => new StageLimiter(workersPerRemoteCluster))
        : null;
}
