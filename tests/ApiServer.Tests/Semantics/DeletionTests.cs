using System.Net;
using k8s;
using k8s.Models;

namespace Tide.ApiServer.Tests.Semantics;

[Collection(ApiServerCollection.Name)]
public sealed class DeletionTests(ApiServerFixture fixture)
{
    private Kubernetes Client => fixture.Client;

    [Fact]
    public async Task Delete_WithFinalizer_KeepsObjectUntilFinalizerIsRemoved()
    {
        var ns = await fixture.NewNamespaceAsync();
        await Client.CoreV1.CreateNamespacedConfigMapAsync(
            new V1ConfigMap { Metadata = new() { Name = "f", Finalizers = ["example.com/cleanup"] } }, ns);

        await Client.CoreV1.DeleteNamespacedConfigMapAsync("f", ns);
        var deleting = await Client.CoreV1.ReadNamespacedConfigMapAsync("f", ns);
        Assert.NotNull(deleting.Metadata.DeletionTimestamp);

        deleting.Metadata.Finalizers = [];
        await Client.CoreV1.ReplaceNamespacedConfigMapAsync(deleting, "f", ns);
        await StatusAssert.FailsAsync(HttpStatusCode.NotFound, "NotFound", () => Client.CoreV1.ReadNamespacedConfigMapAsync("f", ns));
    }

    [Theory]
    [InlineData("Background", false)]
    [InlineData("Foreground", false)]
    [InlineData("Orphan", true)]
    public async Task Delete_PropagatesToDependentsByPolicy(string policy, bool dependentSurvives)
    {
        var ns = await fixture.NewNamespaceAsync();
        var owner = await Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new() { Name = "owner" } }, ns);
        var reference = Owner("v1", "ConfigMap", "owner", owner.Metadata.Uid);
        await Client.CoreV1.CreateNamespacedSecretAsync(
            new V1Secret { Metadata = new() { Name = "dependent", OwnerReferences = [reference] } }, ns);
        await Client.CoreV1.CreateNamespacedSecretAsync(
            new V1Secret { Metadata = new() { Name = "grandchild", OwnerReferences =
                [Owner("v1", "Secret", "dependent", (await Client.CoreV1.ReadNamespacedSecretAsync("dependent", ns)).Metadata.Uid)] } }, ns);

        await Client.CoreV1.DeleteNamespacedConfigMapAsync("owner", ns, propagationPolicy: policy);

        await StatusAssert.FailsAsync(HttpStatusCode.NotFound, "NotFound", () => Client.CoreV1.ReadNamespacedConfigMapAsync("owner", ns));
        var secrets = (await Client.CoreV1.ListNamespacedSecretAsync(ns)).Items;
        if (dependentSurvives)
        {
            var dependent = Assert.Single(secrets, s => s.Metadata.Name == "dependent");
            Assert.Null(dependent.Metadata.OwnerReferences);
            Assert.Contains(secrets, s => s.Metadata.Name == "grandchild");
        }
        else
        {
            Assert.Empty(secrets);
        }
    }

    [Fact]
    public async Task ForegroundDelete_WaitsForDependentWithFinalizer()
    {
        var ns = await fixture.NewNamespaceAsync();
        var owner = await Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new() { Name = "owner" } }, ns);
        await Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap
        {
            Metadata = new()
            {
                Name = "child",
                Finalizers = ["example.com/hold"],
                OwnerReferences = [Owner("v1", "ConfigMap", "owner", owner.Metadata.Uid)],
            },
        }, ns);

        await Client.CoreV1.DeleteNamespacedConfigMapAsync("owner", ns, propagationPolicy: "Foreground");
        var waiting = await Client.CoreV1.ReadNamespacedConfigMapAsync("owner", ns);
        Assert.Contains("foregroundDeletion", waiting.Metadata.Finalizers);
        var child = await Client.CoreV1.ReadNamespacedConfigMapAsync("child", ns);
        Assert.NotNull(child.Metadata.DeletionTimestamp);

        child.Metadata.Finalizers = [];
        await Client.CoreV1.ReplaceNamespacedConfigMapAsync(child, "child", ns);
        Assert.Empty(NamespaceContent.OwnConfigMaps(await Client.CoreV1.ListNamespacedConfigMapAsync(ns)));
    }

    [Fact]
    public async Task DeletingNamespace_DeletesItsContent_AndRefusesNewContentWhileTerminating()
    {
        var ns = await fixture.NewNamespaceAsync();
        await Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new() { Name = "plain" } }, ns);
        await Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new() { Name = "held", Finalizers = ["example.com/x"] } }, ns);

        await Client.CoreV1.DeleteNamespaceAsync(ns);
        var terminating = await Client.CoreV1.ReadNamespaceAsync(ns);
        Assert.Equal("Terminating", terminating.Status.Phase);
        Assert.Equal(["held"], NamespaceContent.OwnConfigMaps(await Client.CoreV1.ListNamespacedConfigMapAsync(ns)));
        await StatusAssert.FailsAsync(HttpStatusCode.Forbidden, "Forbidden",
            () => Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new() { Name = "late" } }, ns));

        var held = await Client.CoreV1.ReadNamespacedConfigMapAsync("held", ns);
        held.Metadata.Finalizers = [];
        await Client.CoreV1.ReplaceNamespacedConfigMapAsync(held, "held", ns);
        await StatusAssert.FailsAsync(HttpStatusCode.NotFound, "NotFound", () => Client.CoreV1.ReadNamespaceAsync(ns));
    }

    [Fact]
    public async Task DeleteCollection_DeletesWhatTheSelectorMatches()
    {
        var ns = await fixture.NewNamespaceAsync();
        foreach (var (name, keep) in new[] { ("a", false), ("b", true), ("c", false) })
        {
            await Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap
            {
                Metadata = new() { Name = name, Labels = new Dictionary<string, string> { ["keep"] = keep ? "yes" : "no" } },
            }, ns);
        }
        await Client.CoreV1.DeleteCollectionNamespacedConfigMapAsync(ns, labelSelector: "keep=no");
        Assert.Equal(["b"], NamespaceContent.OwnConfigMaps(await Client.CoreV1.ListNamespacedConfigMapAsync(ns)));
    }

    private static V1OwnerReference Owner(string apiVersion, string kind, string name, string uid) =>
        new() { ApiVersion = apiVersion, Kind = kind, Name = name, Uid = uid };
}
