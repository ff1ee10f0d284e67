using System.Net;
using Tide.Engine.Api;
using Tide.Engine.Kube;
using Tide.Engine.Reconcilers;
using Tide.Engine.Tests.Reconcilers.Kustomizations;

namespace Tide.Engine.Tests.Reconcilers;

public sealed class TargetClusterTests(KustomizationCluster cluster) : IClassFixture<KustomizationCluster>, IDisposable
{
    private RemoteClusters Clusters { get; } = new();

    public void Dispose() => Clusters.Dispose();

    [Fact]
    public async Task WithoutServiceAccount_ActsAsTide_ElseAsTheNamedOrTheDefaultOne()
    {
        using (var own = await TargetCluster.OpenAsync(cluster.Kube, Clusters, KustomizationCluster.Kustomization("target-own"), "", CancellationToken.None))
        {
            Assert.Null(own.ServiceAccount);
            Assert.Same(cluster.Kube, own.Client);
        }
        using (var fallback = await TargetCluster.OpenAsync(cluster.Kube, Clusters, KustomizationCluster.Kustomization("target-default"), "tenant",
                   CancellationToken.None))
            Assert.Equal("tenant", fallback.ServiceAccount);
        using var named = await TargetCluster.OpenAsync(cluster.Kube, Clusters,
            KustomizationCluster.Kustomization("target-named", "  serviceAccountName: deployer\n"), "tenant", CancellationToken.None);
        Assert.Equal("deployer", named.ServiceAccount);
    }

    [Fact]
    public async Task ImpersonatedServiceAccount_GetsWhatRbacGrants_AndItsAbsenceIsKnown()
    {
        using var target = await TargetCluster.OpenAsync(cluster.Kube, Clusters,
            KustomizationCluster.Kustomization("target-rbac", "  serviceAccountName: nobody\n"), "", CancellationToken.None);

        Assert.False(await target.ServiceAccountExistsAsync(CancellationToken.None));
        var refused = await Assert.ThrowsAsync<KubeApiException>(() =>
            target.Client.GetAsync(new ObjectRef("v1", "ConfigMap", "default", "anything"), CancellationToken.None));
        Assert.Equal(HttpStatusCode.Forbidden, refused.Status);
        Assert.Contains("system:serviceaccount:flux-system:nobody", refused.Message);
    }

    [Fact]
    public async Task KubeConfigSecret_MissingIsRetried_WithoutTheKeyOrUnusableIsAConfigurationError()
    {
        var remote = KustomizationCluster.Kustomization("target-remote", "  kubeConfig:\n    secretRef:\n      name: target-kubeconfig\n");
        var missing = await Assert.ThrowsAsync<ReconcileFailure>(() =>
            TargetCluster.OpenAsync(cluster.Kube, Clusters, remote, "", CancellationToken.None));
        Assert.Equal((ConditionReasons.ReconciliationFailed, false), (missing.Reason, missing.Terminal));

        await cluster.CreateAsync($"""
            apiVersion: v1
            kind: Secret
            metadata:
              name: target-kubeconfig
              namespace: {KustomizationCluster.Namespace}
            stringData:
              other: x
            """);
        var noKey = await Assert.ThrowsAsync<ReconcileFailure>(() => TargetCluster.OpenAsync(cluster.Kube, Clusters, remote, "", CancellationToken.None));
        Assert.True(noKey.Terminal);
        Assert.Contains("has no key 'value' or 'value.yaml'", noKey.Message);

        var garbage = KustomizationCluster.Kustomization("target-garbage",
            "  kubeConfig:\n    secretRef:\n      name: target-kubeconfig\n      key: other\n");
        var unusable = await Assert.ThrowsAsync<ReconcileFailure>(() => TargetCluster.OpenAsync(cluster.Kube, Clusters, garbage, "", CancellationToken.None));
        Assert.True(unusable.Terminal);
        Assert.Contains("does not hold a usable kubeconfig", unusable.Message);
    }

    [Theory]
    [InlineData("    configMapRef: {name: cloud}\n", "spec.kubeConfig.configMapRef (cloud provider authentication) is not supported by Tide")]
    [InlineData("    configMapRef: {name: cloud}\n    secretRef: {name: target-kubeconfig}\n", "exactly one of spec.kubeConfig.configMapRef or spec.kubeConfig.secretRef")]
    [InlineData("    {}\n", "exactly one of spec.kubeConfig.configMapRef or spec.kubeConfig.secretRef")]
    public async Task KubeConfigWithoutAUsableSecretRef_IsRefused_NeverThisCluster(string kubeConfig, string message)
    {
        var ks = KustomizationCluster.Kustomization("target-config-map", "  kubeConfig:\n" + kubeConfig);

        var refused = await Assert.ThrowsAsync<ReconcileFailure>(() => TargetCluster.OpenAsync(cluster.Kube, Clusters, ks, "", CancellationToken.None));

        Assert.True(refused.Terminal);
        Assert.StartsWith(message, refused.Message, StringComparison.Ordinal);
    }
}
