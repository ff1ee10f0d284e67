using System.Text.Json.Nodes;
using Tide.Engine.Api;
using Tide.Engine.Apply;
using Tide.Engine.Kube;

namespace Tide.Engine.Reconcilers.Kustomizations;

/// <summary>
/// Applies a Kustomization's objects in Flux's stages with server-side apply (stamped with its owner labels), gives
/// the inventory they make, and prunes what the previous inventory held and the new one does not. A failed prune is
/// PruneFailed; a failed apply surfaces as the applier's error (ReconciliationFailed).
/// </summary>
public sealed class KustomizationApplier(string fieldManager)
{
    public const string NameLabel = "kustomize.toolkit.fluxcd.io/name";
    public const string NamespaceLabel = "kustomize.toolkit.fluxcd.io/namespace";

    public Task<IReadOnlyList<ChangeSetEntry>> ApplyAsync(KubeClient cluster, Kustomization ks, IReadOnlyList<JsonObject> objects,
        CancellationToken ct) =>
        new Applier(cluster).ApplyStagedAsync(objects, new ApplierOptions
        {
            FieldManager = fieldManager,
            Force = ks.Spec.Force == true,
            OwnerLabels = OwnerLabels(ks),
        }, ct);

    /// <summary>Deletes what <paramref name="previous"/> held and <paramref name="current"/> does not (of the objects
    /// still carrying this Kustomization's labels and not opted out of pruning).</summary>
    public static async Task<IReadOnlyList<ChangeSetEntry>> PruneAsync(KubeClient cluster, Kustomization ks, ResourceInventory? previous,
        ResourceInventory current, CancellationToken ct)
    {
        if (previous is null)
            return [];
        var stale = Pruner.Stale(Refs(previous), Refs(current));
        try
        {
            return await new Pruner(cluster).PruneAsync(stale, OwnerLabels(ks), ct);
        }
        catch (KubeApiException e)
        {
            throw new ReconcileFailure(ConditionReasons.PruneFailed, "prune failed: " + e.ApiMessage, inner: e);
        }
    }

    /// <summary>Deletes everything <paramref name="inventory"/> holds (a Kustomization being deleted).</summary>
    public static Task<IReadOnlyList<ChangeSetEntry>> DeleteAllAsync(KubeClient cluster, Kustomization ks, ResourceInventory inventory,
        CancellationToken ct) =>
        new Pruner(cluster).PruneAsync(Refs(inventory), OwnerLabels(ks), ct);

    /// <summary>Flux's inventory of a set of objects: ids sorted, each once.</summary>
    public static ResourceInventory Inventory(IEnumerable<JsonObject> objects) => new()
    {
        Entries = objects.Select(ObjectRef.Of)
            .Select(r => new ResourceRef { Id = r.InventoryId, Version = r.Version })
            .DistinctBy(r => r.Id)
            .OrderBy(r => r.Id, StringComparer.Ordinal)
            .ToList(),
    };

    public static IReadOnlyList<ObjectRef> Refs(ResourceInventory inventory) =>
        inventory.Entries.Select(e => ObjectRef.FromInventory(e.Id, e.Version)).ToList();

    /// <summary>The labels Flux stamps on what a Kustomization applies, and looks for before it prunes.</summary>
    public static Dictionary<string, string> OwnerLabels(Kustomization ks) => new()
    {
        [NameLabel] = ks.Metadata.Name,
        [NamespaceLabel] = ks.Metadata.NamespaceProperty ?? "",
    };
}
