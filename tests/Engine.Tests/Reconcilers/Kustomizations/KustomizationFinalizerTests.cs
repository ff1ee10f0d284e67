using Tide.Engine.Api;
using Tide.Engine.Kube;
using Tide.Engine.Reconcilers.Kustomizations;

namespace Tide.Engine.Tests.Reconcilers.Kustomizations;

public sealed class KustomizationFinalizerTests(KustomizationCluster cluster) : IClassFixture<KustomizationCluster>, IDisposable
{
    private readonly RemoteClusters _clusters = new();

    private KustomizationFinalizer Finalizer => new(cluster.Kube, _clusters, "");

    public void Dispose() => _clusters.Dispose();

    [Fact]
    public async Task Ensure_AddsFluxsFinalizer()
    {
        var ks = await cluster.CreateAsync(KustomizationCluster.Kustomization("fin-ensure"));

        await Finalizer.EnsureAsync(ks, CancellationToken.None);

        var stored = await cluster.GetAsync(Kustomization.ApiVersionV1, Kustomization.KindName, KustomizationCluster.Namespace, "fin-ensure");
        Assert.Equal(KustomizationFinalizer.Name, (string?)stored!["metadata"]!["finalizers"]![0]);
    }

    [Fact]
    public async Task WaitForTermination_KeepsTheFinalizerWhileAnObjectTerminates_OneRoundPerCall()
    {
        await cluster.CreateAsync("""
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: fin-held
              namespace: default
              finalizers: [example.com/hold]
              labels:
                kustomize.toolkit.fluxcd.io/name: fin-wait
                kustomize.toolkit.fluxcd.io/namespace: flux-system
            """);
        var ks = await cluster.CreateAsync(KustomizationCluster.Kustomization("fin-wait", "  deletionPolicy: WaitForTermination\n"),
            new KustomizationStatus { Inventory = new ResourceInventory { Entries = [new ResourceRef { Id = "default_fin-held__ConfigMap", Version = "v1" }] } });
        await Finalizer.EnsureAsync(ks, CancellationToken.None);
        ks = FluxJson.FromNode<Kustomization>((await cluster.GetAsync(Kustomization.ApiVersionV1, Kustomization.KindName,
            KustomizationCluster.Namespace, "fin-wait"))!);

        var first = await Finalizer.FinalizeAsync(ks, CancellationToken.None);
        Assert.Equal(["ConfigMap/default/fin-held"], first.Terminating.Select(r => r.ToString()));
        Assert.Equal(["ConfigMap/default/fin-held"], first.Changes.Select(c => c.Object.ToString()));
        var again = await Finalizer.FinalizeAsync(ks, CancellationToken.None);
        // Already terminating: not deleted twice, still waited for.
        Assert.Empty(again.Changes);
        Assert.Single(again.Terminating);
        Assert.Equal(KustomizationFinalizer.Name, (string?)(await cluster.GetAsync(Kustomization.ApiVersionV1, Kustomization.KindName,
            KustomizationCluster.Namespace, "fin-wait"))!["metadata"]!["finalizers"]![0]);

        await cluster.Kube.PatchAsync(new Tide.Engine.Kube.ObjectRef("v1", "ConfigMap", "default", "fin-held"),
            new System.Text.Json.Nodes.JsonObject { ["metadata"] = new System.Text.Json.Nodes.JsonObject { ["finalizers"] = null } }, CancellationToken.None);
        var last = await Finalizer.FinalizeAsync(ks, CancellationToken.None);
        Assert.Empty(last.Terminating);
        var stored = await cluster.GetAsync(Kustomization.ApiVersionV1, Kustomization.KindName, KustomizationCluster.Namespace, "fin-wait");
        Assert.Empty(stored!["metadata"]!["finalizers"] as System.Text.Json.Nodes.JsonArray ?? []);
    }

    [Fact]
    public async Task Orphan_DeletesNothing()
    {
        await cluster.CreateAsync("""
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: fin-orphan
              namespace: default
              labels:
                kustomize.toolkit.fluxcd.io/name: fin-orphan
                kustomize.toolkit.fluxcd.io/namespace: flux-system
            """);
        var ks = await cluster.CreateAsync(KustomizationCluster.Kustomization("fin-orphan", "  deletionPolicy: Orphan\n"),
            new KustomizationStatus { Inventory = new ResourceInventory { Entries = [new ResourceRef { Id = "default_fin-orphan__ConfigMap", Version = "v1" }] } });

        var result = await Finalizer.FinalizeAsync(ks, CancellationToken.None);

        Assert.Empty(result.Changes);
        Assert.NotNull(await cluster.GetAsync("v1", "ConfigMap", "default", "fin-orphan"));
    }
}
