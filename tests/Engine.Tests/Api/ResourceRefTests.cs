using Tide.Engine.Api;

namespace Tide.Engine.Tests.Api;

public sealed class ResourceRefTests
{
    [Fact]
    public void For_NamespacedObject_FormatsFluxId()
    {
        var entry = ResourceRef.For("apps", "podinfo", "apps", "Deployment", "v1");

        Assert.Equal("apps_podinfo_apps_Deployment", entry.Id);
        Assert.Equal(("apps", "podinfo", "apps", "Deployment"), entry.Parse());
    }

    [Fact]
    public void For_ClusterScopedCoreObject_LeavesNamespaceAndGroupEmpty()
    {
        var entry = ResourceRef.For(null, "apps", "", "Namespace", "v1");

        Assert.Equal("_apps__Namespace", entry.Id);
        Assert.Equal(("", "apps", "", "Namespace"), entry.Parse());
    }

    [Fact]
    public void Parse_Malformed_Throws()
    {
        Assert.Throws<FormatException>(() => new ResourceRef { Id = "nope", Version = "v1" }.Parse());
    }
}
