using Tide.Engine.Kube;

namespace Tide.Engine.Apply;

/// <summary>Deletes objects that left the source (an inventory diff), sparing those marked
/// <c>kustomize.toolkit.fluxcd.io/prune: disabled</c>.</summary>
public sealed class Pruner(KubeClient kube)
{
    public const string PruneAnnotation = "kustomize.toolkit.fluxcd.io/prune";

    /// <summary>The references in <paramref name="previous"/> that are not in <paramref name="current"/>.</summary>
    public static IReadOnlyList<ObjectRef> Stale(IEnumerable<ObjectRef> previous, IEnumerable<ObjectRef> current)
    {
        var keep = current.Select(r => r.InventoryId).ToHashSet(StringComparer.Ordinal);
        return previous.Where(r => !keep.Contains(r.InventoryId)).ToList();
    }

    public async Task<IReadOnlyList<ChangeSetEntry>> PruneAsync(IEnumerable<ObjectRef> stale, CancellationToken ct)
    {
        var changes = new List<ChangeSetEntry>();
        // Delete in reverse apply order: workloads before their namespaces and CRDs.
        foreach (var target in stale.Reverse())
        {
            var live = await kube.GetAsync(target, ct);
            if (live is null)
                continue;
            if (live["metadata"]?["annotations"]?[PruneAnnotation]?.GetValue<string>() == "disabled")
            {
                changes.Add(new ChangeSetEntry(target, ChangeAction.Skipped));
                continue;
            }
            if (await kube.DeleteAsync(target, "Background", ct))
                changes.Add(new ChangeSetEntry(target, ChangeAction.Deleted));
        }
        return changes;
    }
}
