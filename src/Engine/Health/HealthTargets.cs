using Tide.Engine.Api;
using Tide.Engine.Apply;
using Tide.Engine.Kube;

namespace Tide.Engine.Health;

/// <summary>Which objects a Kustomization waits for, as Flux picks them.</summary>
public static class HealthTargets
{
    /// <summary><c>wait: true</c> checks every object the apply touched (healthChecks are then ignored); otherwise the
    /// listed healthChecks, where a missing apiVersion means the core group. Skipped objects (ssa: Ignore or
    /// IfNotPresent) are not Tide's to judge. Empty when there is nothing to wait for.</summary>
    public static IReadOnlyList<ObjectRef> Select(KustomizationSpec spec, IReadOnlyList<ChangeSetEntry> applied)
    {
        if (spec.Wait == true)
        {
            return applied
                .Where(e => e.Action is ChangeAction.Created or ChangeAction.Configured or ChangeAction.Unchanged)
                .Select(e => e.Object)
                .ToList();
        }
        return (spec.HealthChecks ?? [])
            .Select(c => new ObjectRef(string.IsNullOrEmpty(c.ApiVersion) ? "v1" : c.ApiVersion, c.Kind, c.Namespace ?? "", c.Name))
            .ToList();
    }
}
