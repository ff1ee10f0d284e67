using Tide.Engine.Api;
using Tide.Engine.Reconcilers;
using Tide.Engine.Reconcilers.Kustomizations;

namespace Tide.Engine.Tests.Reconcilers.Kustomizations;

public sealed class DependencyGateTests(KustomizationCluster cluster) : IClassFixture<KustomizationCluster>
{
    private DependencyGate Gate => new(cluster.Kube);

    [Fact]
    public async Task MissingDependency_IsNotReady_AndNamed()
    {
        var ks = KustomizationCluster.Kustomization("gate-missing", "  dependsOn:\n  - name: nowhere\n");

        var failure = await Assert.ThrowsAsync<ReconcileFailure>(() => Gate.RequireReadyAsync(ks, CancellationToken.None));

        Assert.Equal((ConditionReasons.DependencyNotReady, false, true), (failure.Reason, failure.Terminal, failure.WaitsOnDependency));
        Assert.Equal("dependency 'flux-system/nowhere' not found", failure.Message);
    }

    [Fact]
    public async Task Dependency_MustBeReadyAtItsGeneration_AndHaveAppliedItsSourcesLatestRevision()
    {
        var ks = KustomizationCluster.Kustomization("gate-app", "  dependsOn:\n  - name: gate-infra\n");
        var infra = await cluster.CreateAsync(KustomizationCluster.Kustomization("gate-infra"));
        var notReady = await Assert.ThrowsAsync<ReconcileFailure>(() => Gate.RequireReadyAsync(ks, CancellationToken.None));
        Assert.Equal("dependency 'flux-system/gate-infra' is not ready", notReady.Message);

        await cluster.Kube.ApplyStatusAsync(Tide.Engine.Kube.ObjectRef.Of(FluxJson.ToNode(infra).AsObject()),
            FluxJson.ToNode(KustomizationCluster.ReadyStatus(infra.Metadata.Generation ?? 1, "main@sha1:1")).AsObject(), "test",
            CancellationToken.None);
        await Gate.RequireReadyAsync(ks, CancellationToken.None);

        // Its source moved on; it has not applied that yet.
        await cluster.CreateAsync($"""
            apiVersion: source.toolkit.fluxcd.io/v1
            kind: GitRepository
            metadata:
              name: repo
              namespace: {KustomizationCluster.Namespace}
            spec:
              url: https://example.invalid/repo.git
              interval: 1m
            """);
        await cluster.Kube.ApplyStatusAsync(new Tide.Engine.Kube.ObjectRef(GitRepository.ApiVersionV1, GitRepository.KindName,
                KustomizationCluster.Namespace, "repo"),
            new System.Text.Json.Nodes.JsonObject { ["artifact"] = new System.Text.Json.Nodes.JsonObject { ["revision"] = "main@sha1:2" } },
            "test", CancellationToken.None);
        var behind = await Assert.ThrowsAsync<ReconcileFailure>(() => Gate.RequireReadyAsync(ks, CancellationToken.None));
        Assert.Equal("dependency 'flux-system/gate-infra' is not ready: it has not applied its source's revision main@sha1:2 yet", behind.Message);
    }

    [Fact]
    public async Task Cycle_IsAConfigurationError_NamingThePath()
    {
        await cluster.CreateAsync(KustomizationCluster.Kustomization("gate-pong", "  dependsOn:\n  - name: gate-ping\n"));
        var ping = KustomizationCluster.Kustomization("gate-ping", "  dependsOn:\n  - name: gate-pong\n");

        var failure = await Assert.ThrowsAsync<ReconcileFailure>(() => Gate.RequireReadyAsync(ping, CancellationToken.None));

        Assert.True(failure.Terminal);
        Assert.Contains("flux-system/gate-ping -> flux-system/gate-pong -> flux-system/gate-ping", failure.Message);
    }
}
