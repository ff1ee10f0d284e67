using k8s.Models;
using Tide.Engine.Api;
using Tide.Engine.HelmReleases;

namespace Tide.Engine.Tests.HelmReleases;

/// <summary>helm-controller's naming rules for a HelmRelease's release, namespaces and HelmChart.</summary>
public sealed class ReleaseNamesTests
{
    private static HelmRelease Release(string name, string? targetNamespace = null, string? releaseName = null,
        string? storageNamespace = null, string? sourceNamespace = null) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "apps" },
        Spec = new HelmReleaseSpec
        {
            Interval = GoDuration.Parse("5m"),
            TargetNamespace = targetNamespace,
            ReleaseName = releaseName,
            StorageNamespace = storageNamespace,
            Chart = new HelmChartTemplate
            {
                Spec = new HelmChartTemplateSpec
                {
                    Chart = "podinfo",
                    SourceRef = new CrossNamespaceObjectReference { Kind = "HelmRepository", Name = "charts", Namespace = sourceNamespace },
                },
            },
        },
    };

    [Fact]
    public void Defaults_AreTheHelmReleasesNameAndNamespace()
    {
        var release = Release("podinfo");

        Assert.Equal("podinfo", ReleaseNames.Release(release));
        Assert.Equal("apps", ReleaseNames.Target(release));
        Assert.Equal("apps", ReleaseNames.Storage(release));
        Assert.Equal(("apps", "apps-podinfo"), ReleaseNames.HelmChart(release));
    }

    [Fact]
    public void TargetNamespace_PrefixesTheReleaseName_StorageStaysWithTheHelmRelease()
    {
        var release = Release("podinfo", targetNamespace: "prod", sourceNamespace: "flux-system");

        Assert.Equal("prod-podinfo", ReleaseNames.Release(release));
        Assert.Equal("prod", ReleaseNames.Target(release));
        Assert.Equal("apps", ReleaseNames.Storage(release));
        Assert.Equal(("flux-system", "apps-podinfo"), ReleaseNames.HelmChart(release));
        Assert.Equal("explicit", ReleaseNames.Release(Release("podinfo", targetNamespace: "prod", releaseName: "explicit")));
        Assert.Equal("storage", ReleaseNames.Storage(Release("podinfo", storageNamespace: "storage")));
    }

    [Fact]
    public async Task LongerThan53_IsCutAndEndsInTheFirst12HexOfItsSha256()
    {
        var target = "a-rather-long-target-namespace";
        var name = "with-an-even-longer-release-name";
        var full = $"{target}-{name}";
        // sha256sum is the independent oracle of the digest.
        var sum = (await ProcessRunner.RunCheckedAsync("sh", ["-c", $"printf %s '{full}' | sha256sum"]))[..12];

        var shortened = ReleaseNames.Release(Release(name, targetNamespace: target));

        Assert.Equal(53, shortened.Length);
        Assert.Equal($"{full[..40]}-{sum}", shortened);
    }
}
