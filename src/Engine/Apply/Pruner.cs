using System.Text.Json.Nodes;
using Tide.Engine.Kube;

namespace Tide.Engine.Apply;

/// <summary>Deletes objects that left the source (an inventory diff), sparing those marked
/// <c>kustomize.toolkit.fluxcd.io/prune: disabled</c>, <c>reconcile: disabled</c> or <c>ssa: Ignore</c>, and those that no
/// longer carry the owner's labels.</summary>
public sealed class Pruner(KubeClient kube)
{
    /// <summary>The references in <paramref name="previous"/> that are not in <paramref name="current"/>.</summary>
    public static IReadOnlyList<ObjectRef> Stale(IEnumerable<ObjectRef> previous, IEnumerable<ObjectRef> current)
    {
        var keep = current.Select(r => r.InventoryId).ToHashSet(StringComparer.Ordinal);
        return previous.Where(r => !keep.Contains(r.InventoryId)).ToList();
    }

    /// <param name="ownerLabels">The labels the owner stamped on what it applied (kustomize.toolkit.fluxcd.io/name and
    /// /namespace): an object without them was taken over by another owner since, and is not deleted (as in Flux).</param>
    public async Task<IReadOnlyList<ChangeSetEntry>> PruneAsync(IEnumerable<ObjectRef> stale,
        IReadOnlyDictionary<string, string> ownerLabels, CancellationToken ct)
    {
        var changes = new List<ChangeSetEntry>();
        // Flux's order reversed: webhooks first, workloads before their namespaces and CRDs.
        foreach (var target in ApplyStage.InFluxOrder(stale, r => r).Reverse())
        {
            var live = await kube.GetAsync(target, ct);
            // Gone, or already terminating (deleted by an earlier round, held by a finalizer): nothing to do.
            if (live is null || live["metadata"]?["deletionTimestamp"] is not null)
                continue;
            var labels = live["metadata"]?["labels"];
            var owned = ownerLabels.All(l => labels?[l.Key] is JsonValue v && v.TryGetValue<string>(out var value) && value == l.Value);
            if (!owned || FluxMetadata.Has(live, FluxMetadata.Prune, "disabled") || FluxMetadata.IsExcluded(live))
            {
                changes.Add(new ChangeSetEntry(target, ChangeAction.Skipped));
                continue;
            }
            if (await kube.DeleteAsync(target, "Background", ct))
                changes.Add(new ChangeSetEntry(target, ChangeAction.Deleted) { Fingerprint = ObjectFingerprint.Deleted });
        }
        return changes;
    }
}
