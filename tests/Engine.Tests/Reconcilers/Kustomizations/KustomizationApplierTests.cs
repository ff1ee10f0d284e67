using Tide.Engine.Api;
using Tide.Engine.Apply;
using Tide.Engine.Kube;
using Tide.Engine.Reconcilers.Kustomizations;

namespace Tide.Engine.Tests.Reconcilers.Kustomizations;

public sealed class KustomizationApplierTests(KustomizationCluster cluster) : IClassFixture<KustomizationCluster>
{
    private static string ConfigMap(string name) => $"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\n  namespace: default\n";

    [Fact]
    public async Task Apply_StampsTheOwnerLabels_AndTheInventoryIsSortedOncePerObject()
    {
        var ks = KustomizationCluster.Kustomization("apply-labels");
        var objects = new[] { KustomizationCluster.Read(ConfigMap("apply-b")), KustomizationCluster.Read(ConfigMap("apply-a")),
            KustomizationCluster.Read(ConfigMap("apply-b")) };

        await new KustomizationApplier("tide").ApplyAsync(cluster.Kube, ks, objects[..2], CancellationToken.None);

        var labels = (await cluster.GetAsync("v1", "ConfigMap", "default", "apply-a"))!["metadata"]!["labels"]!;
        Assert.Equal(("apply-labels", "flux-system"),
            ((string?)labels[KustomizationApplier.NameLabel], (string?)labels[KustomizationApplier.NamespaceLabel]));
        Assert.Equal(["default_apply-a__ConfigMap", "default_apply-b__ConfigMap"],
            KustomizationApplier.Inventory(objects).Entries.Select(e => e.Id));
    }

    [Fact]
    public async Task Prune_DeletesWhatLeftTheInventory_SparingWhatAnotherOwnerTookOver()
    {
        var ks = KustomizationCluster.Kustomization("prune-owner");
        var applier = new KustomizationApplier("tide");
        var objects = new[] { KustomizationCluster.Read(ConfigMap("prune-stays")), KustomizationCluster.Read(ConfigMap("prune-goes")),
            KustomizationCluster.Read(ConfigMap("prune-taken")) };
        await applier.ApplyAsync(cluster.Kube, ks, objects, CancellationToken.None);
        // Another Kustomization took one over: it carries that one's labels now.
        await applier.ApplyAsync(cluster.Kube, KustomizationCluster.Kustomization("prune-other"), [objects[2]], CancellationToken.None);

        var changes = await KustomizationApplier.PruneAsync(cluster.Kube, ks, KustomizationApplier.Inventory(objects),
            KustomizationApplier.Inventory(objects[..1]), CancellationToken.None);

        Assert.Equal([("ConfigMap/default/prune-goes", ChangeAction.Deleted), ("ConfigMap/default/prune-taken", ChangeAction.Skipped)],
            changes.Select(c => (c.Object.ToString(), c.Action)).OrderBy(c => c.Item1));
        // The deletion is known as the prune's own (its watch event is no drift); the spared object was not touched.
        Assert.Equal([ObjectFingerprint.Deleted, null], changes.OrderBy(c => c.Object.ToString()).Select(c => c.Fingerprint));
        Assert.Null(await cluster.GetAsync("v1", "ConfigMap", "default", "prune-goes"));
        Assert.NotNull(await cluster.GetAsync("v1", "ConfigMap", "default", "prune-taken"));
        Assert.NotNull(await cluster.GetAsync("v1", "ConfigMap", "default", "prune-stays"));
    }
}
