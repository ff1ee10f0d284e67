using Tide.Engine.Kube;

namespace Tide.Engine.Tests.Kube;

public sealed class ObjectRefTests
{
    [Theory]
    [InlineData("apps/v1", "Deployment", "podinfo", "web", "podinfo_web_apps_Deployment")]
    [InlineData("v1", "Namespace", "", "podinfo", "_podinfo__Namespace")]
    [InlineData("rbac.authorization.k8s.io/v1", "ClusterRole", "", "reader", "_reader_rbac.authorization.k8s.io_ClusterRole")]
    public void InventoryId_HasFluxsShape_AndParsesBack(string apiVersion, string kind, string ns, string name, string id)
    {
        var reference = new ObjectRef(apiVersion, kind, ns, name);

        Assert.Equal(id, reference.InventoryId);
        Assert.Equal(reference, ObjectRef.FromInventory(id, reference.Version));
    }

    [Fact]
    public void ResourceMapping_BuildsCoreAndGroupPaths()
    {
        var core = new ResourceMapping("", "v1", "ConfigMap", "configmaps", Namespaced: true);
        var apps = new ResourceMapping("apps", "v1", "Deployment", "deployments", Namespaced: true);
        var cluster = new ResourceMapping("", "v1", "Namespace", "namespaces", Namespaced: false);

        Assert.Equal("/api/v1/namespaces/a/configmaps/x", core.ObjectPath("a", "x"));
        Assert.Equal("/apis/apps/v1/namespaces/a/deployments", apps.CollectionPath("a"));
        Assert.Equal("/api/v1/namespaces/a", cluster.ObjectPath("ignored", "a"));
    }
}
