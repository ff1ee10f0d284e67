using System.Text.Json.Nodes;
using Tide.Engine.Apply;
using Tide.Engine.Kube;

namespace Tide.Engine.Tests.Apply;

public sealed class ApplyStageTests
{
    private static JsonObject Obj(string apiVersion, string kind, string name, string ns = "") => new()
    {
        ["apiVersion"] = apiVersion,
        ["kind"] = kind,
        ["metadata"] = ns.Length == 0 ? new JsonObject { ["name"] = name } : new JsonObject { ["name"] = name, ["namespace"] = ns },
    };

    [Fact]
    public void Split_PutsDefinitionsFirst_ThenClasses_ThenTheRestInKindOrder()
    {
        var stages = ApplyStage.Split(
        [
            Obj("apps/v1", "Deployment", "web", "app"),
            Obj("example.com/v1", "Widget", "w", "app"),
            Obj("v1", "ConfigMap", "b", "app"),
            Obj("storage.k8s.io/v1", "StorageClass", "fast"),
            Obj("v1", "Namespace", "app"),
            Obj("apiextensions.k8s.io/v1", "CustomResourceDefinition", "widgets.example.com"),
            Obj("v1", "ConfigMap", "a", "app"),
            Obj("rbac.authorization.k8s.io/v1", "ClusterRole", "reader"),
        ]);

        var names = stages.Select(s => s.Select(o => ObjectRef.Of(o).ToString()).ToList()).ToList();
        Assert.Equal(
        [
            ["CustomResourceDefinition/widgets.example.com", "Namespace/app", "ClusterRole/reader"],
            ["StorageClass/fast"],
            ["ConfigMap/app/a", "ConfigMap/app/b", "Deployment/app/web", "Widget/app/w"],
        ], names);
    }

    [Fact]
    public void Split_PutsUnlistedKindsByGroupAndKind_BetweenTheListedKindsAndTheWebhooks()
    {
        var stages = ApplyStage.Split(
        [
            Obj("admissionregistration.k8s.io/v1", "ValidatingWebhookConfiguration", "v"),
            Obj("admissionregistration.k8s.io/v1", "MutatingWebhookConfiguration", "m"),
            Obj("z.example.com/v1", "Alpha", "a", "app"),
            Obj("a.example.com/v1", "Zulu", "z", "app"),
            Obj("a.example.com/v1", "Bravo", "b", "app"),
            Obj("policy/v1", "PodDisruptionBudget", "pdb", "app"),
            Obj("v1", "ServiceAccount", "sa", "app"),
            Obj("networking.k8s.io/v1", "Ingress", "web", "app"),
        ]);

        var names = stages.Single().Select(o => ObjectRef.Of(o).ToString()).ToList();
        Assert.Equal(
        [
            "ServiceAccount/app/sa", "PodDisruptionBudget/app/pdb",
            "Bravo/app/b", "Zulu/app/z", "Ingress/app/web", "Alpha/app/a",
            "MutatingWebhookConfiguration/m", "ValidatingWebhookConfiguration/v",
        ], names);
    }

    [Fact]
    public void Of_CountsOnlyTheCoreDefinitionKindsAsDefinitions()
    {
        Assert.Equal(0, ApplyStage.Of(Obj("apiextensions.k8s.io/v1", "CustomResourceDefinition", "w.example.com")));
        Assert.Equal(0, ApplyStage.Of(Obj("rbac.authorization.k8s.io/v1", "ClusterRole", "r")));
        // Same kind names from other API groups are ordinary objects.
        Assert.Equal(2, ApplyStage.Of(Obj("example.com/v1", "Namespace", "n")));
        Assert.Equal(2, ApplyStage.Of(Obj("example.com/v1", "ClusterRole", "r")));
        Assert.Equal(1, ApplyStage.Of(Obj("networking.k8s.io/v1", "IngressClass", "nginx")));
    }

    [Fact]
    public void Stale_IsWhatThePreviousInventoryHadAndTheCurrentLacks()
    {
        var a = new ObjectRef("v1", "ConfigMap", "ns", "a");
        var b = new ObjectRef("apps/v1", "Deployment", "ns", "b");
        var bNewVersion = b with { ApiVersion = "apps/v2" };

        Assert.Equal([a], Pruner.Stale([a, b], [bNewVersion]));
        Assert.Empty(Pruner.Stale([a], [a, b]));
    }
}
