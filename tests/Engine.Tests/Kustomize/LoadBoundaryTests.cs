using Tide.Engine.Kustomize;

namespace Tide.Engine.Tests.Kustomize;

public sealed class LoadBoundaryTests
{
    [Fact]
    public async Task FileOutsideTheKustomization_IsRefusedLikeKubectl_ButAllowedBelowABoundary_AsFluxDoes()
    {
        using var dir = new TempDirectory();
        dir.Write("shared/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: shared\n");
        dir.Write("apps/kustomization.yaml", "resources:\n- ../shared/cm.yaml\n");
        var apps = dir.Combine("apps");

        var refused = Assert.Throws<KustomizeException>(() => Kustomizer.Build(apps));
        Assert.Contains("security; file", refused.Message);
        var kubectl = await ProcessRunner.RunAsync("kubectl", ["kustomize", apps]);
        Assert.NotEqual(0, kubectl.ExitCode);

        var built = Kustomizer.Build(DiskFileSystem.Instance, apps, loadBoundary: dir.Path);
        Assert.Equal("shared", built.ToJsonObjects().Single()["metadata"]!["name"]!.GetValue<string>());

        dir.Write("apps/kustomization.yaml", "resources:\n- ../../outside.yaml\n");
        Assert.Throws<KustomizeException>(() => Kustomizer.Build(DiskFileSystem.Instance, apps, loadBoundary: dir.Path));
    }
}
