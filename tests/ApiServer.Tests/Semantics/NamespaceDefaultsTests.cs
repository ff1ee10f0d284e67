using System.Security.Cryptography.X509Certificates;
using k8s;
using k8s.Models;

namespace Tide.ApiServer.Tests.Semantics;

/// <summary>What every Kubernetes namespace holds, and which kinds carry metadata.generation.</summary>
[Collection(ApiServerCollection.Name)]
public sealed class NamespaceDefaultsTests(ApiServerFixture fixture)
{
    private Kubernetes Client => fixture.Client;

    [Fact]
    public async Task NewNamespace_HasTheDefaultServiceAccountAndTheRootCaConfigMap()
    {
        var ns = await fixture.NewNamespaceAsync();

        var account = await Client.CoreV1.ReadNamespacedServiceAccountAsync("default", ns);
        var rootCa = await Client.CoreV1.ReadNamespacedConfigMapAsync("kube-root-ca.crt", ns);

        Assert.Equal("default", account.Metadata.Name);
        using var ca = X509Certificate2.CreateFromPem(rootCa.Data["ca.crt"]);
        Assert.True(ca.Extensions.OfType<X509BasicConstraintsExtension>().Single().CertificateAuthority);
        Assert.Equal("kube-controller-manager", rootCa.Metadata.ManagedFields.Single().Manager);
        // kubectl, an independent client, sees them as in any cluster.
        var listed = (await fixture.KubectlAsync("get", "serviceaccounts,configmaps", "-n", ns, "-o", "name")).Ok();
        Assert.Equal(["configmap/kube-root-ca.crt", "serviceaccount/default"], listed.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order());
    }

    [Theory]
    [InlineData("default")]
    [InlineData("kube-system")]
    public async Task SystemNamespaces_HaveThemToo(string ns)
    {
        Assert.NotNull(await Client.CoreV1.ReadNamespacedServiceAccountAsync("default", ns));
        Assert.NotNull(await Client.CoreV1.ReadNamespacedConfigMapAsync("kube-root-ca.crt", ns));
    }

    [Fact]
    public async Task Generation_IsOnlyOnKindsThatHaveIt()
    {
        var ns = await fixture.NewNamespaceAsync();
        var configMap = await Client.CoreV1.CreateNamespacedConfigMapAsync(
            new V1ConfigMap { Metadata = new() { Name = "c", Finalizers = ["example.com/hold"] }, Data = new Dictionary<string, string> { ["a"] = "1" } }, ns);
        var secret = await Client.CoreV1.CreateNamespacedSecretAsync(new V1Secret { Metadata = new() { Name = "s" } }, ns);
        var service = await Client.CoreV1.CreateNamespacedServiceAsync(new V1Service
        {
            Metadata = new() { Name = "svc" },
            Spec = new V1ServiceSpec { Ports = [new V1ServicePort { Port = 80 }] },
        }, ns);
        var deployment = await Client.AppsV1.CreateNamespacedDeploymentAsync(Deployments.New("d", replicas: 1), ns);

        Assert.Null(configMap.Metadata.Generation);
        Assert.Null(secret.Metadata.Generation);
        Assert.Null(service.Metadata.Generation);
        Assert.Null((await Client.CoreV1.ReadNamespaceAsync(ns)).Metadata.Generation);
        Assert.Equal(1, deployment.Metadata.Generation);

        configMap.Data["a"] = "2";
        configMap = await Client.CoreV1.ReplaceNamespacedConfigMapAsync(configMap, "c", ns);
        Assert.Null(configMap.Metadata.Generation);
        await Client.CoreV1.DeleteNamespacedConfigMapAsync("c", ns);
        var deleting = await Client.CoreV1.ReadNamespacedConfigMapAsync("c", ns);
        Assert.NotNull(deleting.Metadata.DeletionTimestamp);
        Assert.Null(deleting.Metadata.Generation);
        deleting.Metadata.Finalizers = null;
        await Client.CoreV1.ReplaceNamespacedConfigMapAsync(deleting, "c", ns);
    }
}
