using Tide.Engine.Kustomize;

namespace Tide.Engine.Tests.Kustomize;

/// <summary>What the Kustomization reconciler relies on: in-memory builds, nodes in source key order, JSON for apply.</summary>
public sealed class KustomizerApiTests
{
    private static KustomizeResult BuildInMemory() => Kustomizer.Build(new InMemoryFileSystem()
        .Add("/src/app/kustomization.yaml", "namespace: apps\nresources:\n- deploy.yaml\n")
        .Add("/src/app/deploy.yaml",
            "kind: Deployment\napiVersion: apps/v1\nmetadata:\n  name: web\nspec:\n  replicas: 2\n  paused: false\n  template:\n    metadata:\n      annotations:\n        port: \"8080\"\n"),
        "/src/app");

    [Fact]
    public void Resources_KeepSourceKeyOrder()
    {
        var resource = Assert.Single(BuildInMemory().Resources);
        Assert.Equal(["kind", "apiVersion", "metadata", "spec"], resource.Keys);
        Assert.Equal(["name", "namespace"], resource.GetMapping("metadata")!.Keys);
    }

    [Fact]
    public void ToJsonObjects_TypesScalarsLikeKustomize()
    {
        var json = Assert.Single(BuildInMemory().ToJsonObjects());
        var spec = json["spec"]!.AsObject();
        Assert.Equal(2, spec["replicas"]!.GetValue<long>());
        Assert.False(spec["paused"]!.GetValue<bool>());
        Assert.Equal("8080", spec["template"]!["metadata"]!["annotations"]!["port"]!.GetValue<string>());
        Assert.Equal("apps", json["metadata"]!["namespace"]!.GetValue<string>());
    }

    [Fact]
    public void ToYaml_SortsKeysLikeKubectl()
    {
        Assert.StartsWith("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: apps\n",
            BuildInMemory().ToYaml());
    }

    [Fact]
    public void MissingDirectory_FailsWithKustomizeException()
    {
        var e = Assert.Throws<KustomizeException>(() => Kustomizer.Build(new InMemoryFileSystem(), "/nowhere"));
        Assert.Contains("not a valid directory", e.Message);
    }
}
