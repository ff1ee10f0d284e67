using System.Text.Json.Nodes;
using Tide.Engine.Api;
using Tide.Engine.HelmReleases;

namespace Tide.Engine.Tests.HelmReleases;

/// <summary>spec.driftDetection.ignore: ignored pointers of the chart's object take the cluster's values, for the
/// objects the target selects; "" and the driftDetection annotation leave an object out.</summary>
public sealed class DriftIgnoreTests
{
    private static JsonObject Deployment(int replicas, string image, string? annotation = null)
    {
        var deployment = JsonNode.Parse($$$"""
            {"apiVersion": "apps/v1", "kind": "Deployment",
             "metadata": {"name": "web", "namespace": "apps", "labels": {"tier": "front"}},
             "spec": {"replicas": {{{replicas}}}, "template": {"spec": {"containers": [{"name": "app", "image": "{{{image}}}"}] } } } }
            """)!.AsObject();
        if (annotation is not null)
            deployment["metadata"]!["annotations"] = new JsonObject { ["helm.toolkit.fluxcd.io/driftDetection"] = annotation };
        return deployment;
    }

    private static DriftIgnore Rules(params IgnoreRule[] rules) => new(rules);

    [Fact]
    public void Mask_IgnoredPath_TakesTheClusterValue_OthersStay()
    {
        var masked = Rules(new IgnoreRule { Paths = ["/spec/replicas"] }).Mask(Deployment(2, "app:1"), Deployment(7, "app:0"))!;

        Assert.Equal(7, (int)masked["spec"]!["replicas"]!);
        Assert.Equal("app:1", (string?)masked["spec"]!["template"]!["spec"]!["containers"]![0]!["image"]);
    }

    [Fact]
    public void Mask_PathInsideAnArray_AndEscapedKeys()
    {
        var desired = Deployment(2, "app:1");
        desired["metadata"]!["labels"]!["example.com/team"] = "a";
        var live = Deployment(2, "app:0");

        var masked = Rules(new IgnoreRule { Paths = ["/spec/template/spec/containers/0/image", "/metadata/labels/example.com~1team"] })
            .Mask(desired, live)!;

        Assert.Equal("app:0", (string?)masked["spec"]!["template"]!["spec"]!["containers"]![0]!["image"]);
        Assert.False(masked["metadata"]!["labels"]!.AsObject().ContainsKey("example.com/team"));
    }

    [Theory]
    [InlineData("Deployment", "web", "apps", true)]
    [InlineData("Deploy.*", "w.b", "", true)]
    [InlineData("StatefulSet", "", "", false)]
    [InlineData("Deployment", "we", "", false)]
    [InlineData("", "", "other", false)]
    public void Mask_TargetSelects_ByAnchoredRegex(string kind, string name, string ns, bool selected)
    {
        var rule = new IgnoreRule { Paths = ["/spec/replicas"], Target = new KustomizeSelector { Kind = kind, Name = name, Namespace = ns } };

        var masked = Rules(rule).Mask(Deployment(2, "app:1"), Deployment(7, "app:1"))!;

        Assert.Equal(selected ? 7 : 2, (int)masked["spec"]!["replicas"]!);
    }

    [Theory]
    [InlineData("tier=front", true)]
    [InlineData("tier in (back)", false)]
    public void Mask_TargetSelects_ByLabels(string selector, bool selected)
    {
        var rule = new IgnoreRule { Paths = ["/spec/replicas"], Target = new KustomizeSelector { Group = "apps", LabelSelector = selector } };

        Assert.Equal(selected ? 7 : 2, (int)Rules(rule).Mask(Deployment(2, "app:1"), Deployment(7, "app:1"))!["spec"]!["replicas"]!);
    }

    [Fact]
    public void Mask_FieldTheClusterLacks_IsLeftOutOfTheChartObject()
    {
        var live = Deployment(7, "app:1");
        live["spec"]!.AsObject().Remove("replicas");

        var masked = Rules(new IgnoreRule { Paths = ["/spec/replicas"] }).Mask(Deployment(2, "app:1"), live)!;

        Assert.False(masked["spec"]!.AsObject().ContainsKey("replicas"));
    }

    [Fact]
    public void Mask_RootPointerOrDisabledAnnotation_LeavesTheObjectOut()
    {
        Assert.Null(Rules(new IgnoreRule { Paths = [""], Target = new KustomizeSelector { Kind = "Deployment" } }).Mask(Deployment(2, "a"), Deployment(7, "a")));
        Assert.Null(Rules().Mask(Deployment(2, "a", annotation: "disabled"), Deployment(7, "a")));
        Assert.Null(Rules().Mask(Deployment(2, "a"), Deployment(7, "a", annotation: "disabled")));
        Assert.NotNull(Rules().Mask(Deployment(2, "a"), null));
    }

    [Theory]
    [InlineData(false, null, null, "Create")]
    [InlineData(false, "CreateReplace", null, "CreateReplace")]
    [InlineData(false, null, true, "Skip")]
    [InlineData(true, null, null, "Skip")]
    public void CrdPolicy_HasHelmControllersDefaults(bool upgrade, string? policy, bool? skipCrds, string expected)
    {
        var spec = new HelmReleaseSpec
        {
            Interval = GoDuration.Parse("5m"),
            Install = new InstallOptions { Crds = upgrade ? null : policy, SkipCRDs = skipCrds },
            Upgrade = new UpgradeOptions { Crds = upgrade ? policy : null },
        };

        Assert.Equal(expected, CrdPolicy.For(spec, upgrade));
    }
}
