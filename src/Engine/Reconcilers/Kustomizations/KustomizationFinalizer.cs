using System.Text.Json.Nodes;
using Tide.Engine.Api;
using Tide.Engine.Apply;
using Tide.Engine.Kube;

namespace Tide.Engine.Reconcilers.Kustomizations;

/// <summary>
/// Flux's finalizer on a Kustomization, so that deleting it can clean up what it applied: added before anything is
/// applied; on deletion the objects of its inventory are deleted (per deletionPolicy) and the finalizer goes.
/// </summary>
public sealed class KustomizationFinalizer(KubeClient kube, RemoteClusters clusters, string defaultServiceAccount)
{
    public const string Name = "finalizers.fluxcd.io";

    public async Task EnsureAsync(Kustomization ks, CancellationToken ct)
    {
        var finalizers = ks.Metadata.Finalizers ?? [];
        if (!finalizers.Contains(Name))
            await SetFinalizersAsync(ks, finalizers.Append(Name), ct);
    }

    /// <summary>
    /// One round of a deletion: with prune (and unless deletionPolicy is Orphan, or it is suspended) the objects of
    /// its inventory are deleted first, as its ServiceAccount when it has one; then the finalizer goes and the API
    /// server removes the object. As in Flux, when that ServiceAccount is gone (its tenant is being removed) nothing
    /// is deleted on its behalf and the Kustomization still goes. With deletionPolicy WaitForTermination the
    /// finalizer stays while any of those objects still exists: the result names them, and the caller calls again
    /// later (one round per call, so nothing waits in between).
    /// </summary>
    public async Task<KustomizationFinalizeResult> FinalizeAsync(Kustomization ks, CancellationToken ct)
    {
        var policy = ks.Spec.DeletionPolicy ?? "MirrorPrune";
        var delete = policy is "Delete" or "WaitForTermination" || (policy == "MirrorPrune" && ks.Spec.Prune);
        IReadOnlyList<ChangeSetEntry> changes = [];
        if (delete && ks.Spec.Suspend != true && ks.Status?.Inventory is { } inventory)
        {
            using var target = await TargetCluster.OpenAsync(kube, clusters, ks, defaultServiceAccount, ct);
            if (await target.ServiceAccountExistsAsync(ct))
            {
                changes = await KustomizationApplier.DeleteAllAsync(target.Client, ks, inventory, ct);
                if (policy == "WaitForTermination")
                {
                    var terminating = new List<ObjectRef>();
                    foreach (var obj in KustomizationApplier.Refs(inventory))
                        if (await target.Client.GetAsync(obj, ct) is not null)
                            terminating.Add(obj);
                    if (terminating.Count > 0)
                        return new KustomizationFinalizeResult(changes, terminating);
                }
            }
        }
        var finalizers = ks.Metadata.Finalizers ?? [];
        if (finalizers.Contains(Name))
            await SetFinalizersAsync(ks, finalizers.Where(f => f != Name), ct);
        return new KustomizationFinalizeResult(changes, []);
    }

    private Task SetFinalizersAsync(Kustomization ks, IEnumerable<string> finalizers, CancellationToken ct) =>
        kube.PatchAsync(new ObjectRef(Kustomization.ApiVersionV1, Kustomization.KindName, ks.Metadata.NamespaceProperty ?? "", ks.Metadata.Name),
            new JsonObject { ["metadata"] = new JsonObject { ["finalizers"] = new JsonArray(finalizers.Select(f => (JsonNode)f).ToArray()) } },
            ct);
}
