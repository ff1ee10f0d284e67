using Tide.Engine.Kustomize;

namespace Tide.Engine.Tests.Kustomize;

/// <summary>Builds that kustomize rejects are rejected by Tide too, with a message that names the problem.</summary>
public sealed class KustomizeErrorTests
{
    private const string Pod = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n";

    [Fact]
    public void MissingResourceFile_Fails()
    {
        var message = KubectlOracle.AssertBothFail(new() { ["kustomization.yaml"] = "resources:\n- missing.yaml\n" });
        Assert.Contains("missing.yaml", message);
    }

    [Fact]
    public void MissingKustomizationFile_Fails()
    {
        var message = KubectlOracle.AssertBothFail(new() { ["pod.yaml"] = Pod });
        Assert.Contains("unable to find one of 'kustomization.yaml'", message);
    }

    [Fact]
    public void TwoKustomizationFiles_Fails()
    {
        var message = KubectlOracle.AssertBothFail(new()
        {
            ["kustomization.yaml"] = "resources: []\n",
            ["kustomization.yml"] = "resources: []\n",
        });
        Assert.Contains("Found multiple kustomization files", message);
    }

    [Fact]
    public void BaseCycle_Fails()
    {
        var message = KubectlOracle.AssertBothFail(new()
        {
            ["a/kustomization.yaml"] = "resources:\n- ../b\n",
            ["b/kustomization.yaml"] = "resources:\n- ../a\n",
        }, "a");
        Assert.Contains("cycle detected", message);
    }

    [Fact]
    public void FileOutsideRoot_IsRefusedByTheLoadRestrictor()
    {
        var message = KubectlOracle.AssertBothFail(new()
        {
            ["app/kustomization.yaml"] = "resources:\n- ../pod.yaml\n",
            ["pod.yaml"] = Pod,
        }, "app");
        Assert.Contains("is not in or below", message);
    }

    [Fact]
    public void DuplicateIds_Fail()
    {
        var message = KubectlOracle.AssertBothFail(new()
        {
            ["kustomization.yaml"] = "resources:\n- a.yaml\n- b.yaml\n",
            ["a.yaml"] = Pod,
            ["b.yaml"] = Pod,
        });
        Assert.Contains("already registered id", message);
    }

    [Fact]
    public void InvalidYaml_Fails()
    {
        var message = KubectlOracle.AssertBothFail(new()
        {
            ["kustomization.yaml"] = "resources:\n- bad.yaml\n",
            ["bad.yaml"] = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: [unclosed\n",
        });
        Assert.Contains("MalformedYAMLError", message);
    }

    [Fact]
    public void RemoteBase_IsNotSupported_AndSaysSo()
    {
        var fs = new Tide.Engine.Kustomize.InMemoryFileSystem()
            .Add("/k/kustomization.yaml", "resources:\n- https://github.com/kubernetes-sigs/kustomize//examples/helloWorld?ref=v5.5.0\n");
        var e = Assert.Throws<Tide.Engine.Kustomize.KustomizeException>(() => Tide.Engine.Kustomize.Kustomizer.Build(fs, "/k"));
        Assert.Contains("remote resource", e.Message);
        Assert.Contains("not supported", e.Message);
    }

    [Fact]
    public void ComponentListedAsResource_Fails()
    {
        var message = KubectlOracle.AssertBothFail(new()
        {
            ["kustomization.yaml"] = "resources:\n- comp\n",
            ["comp/kustomization.yaml"] = "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\nnamePrefix: x-\n",
        });
        Assert.Contains("expected kind != 'Component'", message);
    }

    [Theory]
    [InlineData("kind: Kustomization\n", "kustomization.yaml is empty")]
    [InlineData("resources:\nnamePrefix: \"\"\n", "kustomization.yaml is empty")]
    [InlineData("apiVersion: v1\nresources: []\n", "apiVersion for Kustomization should be kustomize.config.k8s.io/v1beta1")]
    [InlineData("kind: Component\napiVersion: kustomize.config.k8s.io/v1beta1\nresources: []\n", "apiVersion for Component should be kustomize.config.k8s.io/v1alpha1")]
    [InlineData("kind: Foo\nresources: []\n", "kind should be Kustomization or Component")]
    public void KustomizationWithNothingOrTheWrongKind_Fails(string kustomization, string error)
    {
        var files = new Dictionary<string, string> { ["kustomization.yaml"] = kustomization };
        Assert.Contains(error, KubectlOracle.Kubectl(files).Stderr);
        Assert.Contains(error, KubectlOracle.AssertBothFail(files));
    }

    [Fact]
    public void SymlinkToAFileOutsideTheRoot_IsRefusedByTheLoadRestrictor()
    {
        using var dir = new TempDirectory();
        dir.Write("pod.yaml", Pod);
        var app = Path.GetDirectoryName(dir.Write("app/kustomization.yaml", "resources:\n- pod.yaml\n"))!;
        File.CreateSymbolicLink(Path.Combine(app, "pod.yaml"), "../pod.yaml");
        Assert.NotEqual(0, KubectlOracle.KubectlAt(app).ExitCode);
        var e = Assert.Throws<KustomizeException>(() => Kustomizer.Build(app));
        Assert.Contains("is not in or below", e.Message);
    }

    [Fact]
    public void PatchWithoutTarget_Fails()
    {
        var message = KubectlOracle.AssertBothFail(new()
        {
            ["kustomization.yaml"] = "resources:\n- pod.yaml\npatches:\n- patch: |-\n    apiVersion: v1\n    kind: Pod\n    metadata:\n      name: other\n",
            ["pod.yaml"] = Pod,
        });
        Assert.Contains("no resource matches strategic merge patch", message);
    }

    [Fact]
    public void MergeBehaviorWithoutBase_Fails()
    {
        var message = KubectlOracle.AssertBothFail(new()
        {
            ["kustomization.yaml"] = "configMapGenerator:\n- name: cfg\n  behavior: merge\n  literals: [a=b]\n",
        });
        Assert.Contains("does not exist; cannot merge or replace", message);
    }

    [Fact]
    public void LabelValueThatYaml11ReadsAsBool_IsRejected()
    {
        var message = KubectlOracle.AssertBothFail(new()
        {
            ["kustomization.yaml"] = "resources:\n- pod.yaml\ncommonLabels:\n  enabled: on\n",
            ["pod.yaml"] = Pod,
        });
        Assert.Contains("cannot unmarshal bool", message);
    }

    [Fact]
    public void HelmCharts_AreRefusedWithAClearMessage()
    {
        var message = KubectlOracle.AssertBothFail(new()
        {
            ["kustomization.yaml"] = "helmCharts:\n- name: podinfo\n  repo: https://stefanprodan.github.io/podinfo\n  version: 6.5.0\n",
        });
        Assert.Contains("helmCharts", message);
    }
}
