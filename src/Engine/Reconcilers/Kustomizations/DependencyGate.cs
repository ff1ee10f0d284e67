using Tide.Engine.Api;
using Tide.Engine.Kube;

namespace Tide.Engine.Reconcilers.Kustomizations;

/// <summary>
/// Flux's dependsOn: each dependency must exist, be Ready for its current generation, and have applied its source's
/// latest revision. The dependencies tell a Kustomization when they become ready (push); this check is what a
/// reconcile relies on. Fails with DependencyNotReady (retried after the dependency requeue interval); a cycle is a
/// configuration error (terminal).
/// </summary>
public sealed class DependencyGate(KubeClient kube)
{
    public async Task RequireReadyAsync(Kustomization ks, CancellationToken ct)
    {
        foreach (var dependency in ks.Spec.DependsOn ?? [])
        {
            var ns = dependency.Namespace ?? ks.Metadata.NamespaceProperty ?? "";
            if (dependency.Kind == HelmRelease.KindName)
            {
                await DependencyReadiness.RequireReadyAsync(kube, HelmRelease.ApiVersionV2, HelmRelease.KindName, ns, dependency.Name, ct);
                continue;
            }
            var name = $"{ns}/{dependency.Name}";
            var obj = await kube.GetAsync(new ObjectRef(Kustomization.ApiVersionV1, Kustomization.KindName, ns, dependency.Name), ct)
                ?? throw NotReady($"dependency '{name}' not found");
            var other = FluxJson.FromNode<Kustomization>(obj);
            var ready = other.Status?.Conditions?.FirstOrDefault(c => c.Type == ConditionTypes.Ready);
            if (ready?.Status != ConditionStatus.True || other.Status?.ObservedGeneration != other.Metadata.Generation)
            {
                if (await CycleThroughAsync(ks, other, ct) is { } cycle)
                    throw new ReconcileFailure(ConditionReasons.DependencyNotReady,
                        $"dependency cycle: {cycle}: remove one of these dependsOn entries", terminal: true);
                throw NotReady($"dependency '{name}' is not ready");
            }
            var source = other.Spec.SourceRef;
            var sourceObj = await kube.GetAsync(new ObjectRef(source.ApiVersion ?? "source.toolkit.fluxcd.io/v1", source.Kind,
                source.Namespace ?? ns, source.Name), ct);
            var latest = sourceObj?["status"]?["artifact"]?["revision"]?.GetValue<string>();
            if (latest is not null && latest != other.Status?.LastAppliedRevision)
                throw NotReady($"dependency '{name}' is not ready: it has not applied its source's revision {latest} yet");
        }
    }

    private static ReconcileFailure NotReady(string message) =>
        new(ConditionReasons.DependencyNotReady, message) { WaitsOnDependency = true };

    /// <summary>The path "a -> b -> a" when <paramref name="dependency"/> depends, directly or not, on
    /// <paramref name="ks"/>; null when it does not.</summary>
    private async Task<string?> CycleThroughAsync(Kustomization ks, Kustomization dependency, CancellationToken ct)
    {
        static string Id(Kustomization k) => $"{k.Metadata.NamespaceProperty}/{k.Metadata.Name}";
        var start = Id(ks);
        var visited = new HashSet<string>(StringComparer.Ordinal);
        var stack = new Stack<(Kustomization Node, string Path)>();
        stack.Push((dependency, $"{start} -> {Id(dependency)}"));
        while (stack.Count > 0 && visited.Count < 100)
        {
            var (node, path) = stack.Pop();
            if (!visited.Add(Id(node)))
                continue;
            foreach (var next in node.Spec.DependsOn ?? [])
            {
                var ns = next.Namespace ?? node.Metadata.NamespaceProperty ?? "";
                var nextId = $"{ns}/{next.Name}";
                if (nextId == start)
                    return $"{path} -> {start}";
                if (await kube.GetAsync(new ObjectRef(Kustomization.ApiVersionV1, Kustomization.KindName, ns, next.Name), ct) is { } obj)
                    stack.Push((FluxJson.FromNode<Kustomization>(obj), $"{path} -> {nextId}"));
            }
        }
        return null;
    }
}
