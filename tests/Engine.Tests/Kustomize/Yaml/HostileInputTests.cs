using Tide.Engine.Yaml;
using System.Text;
using Tide.Engine.Kustomize;
using Tide.Engine.Manifests;

namespace Tide.Engine.Tests.Kustomize.Yaml;

/// <summary>
/// Malformed or malicious input is refused with a message, fast, as kustomize (go-yaml v3, encoding/json) refuses
/// it: alias bombs, nesting beyond 10,000 levels, misspelt kustomization fields, invalid UTF-8. The builds run on
/// thread-pool threads, as a reconcile does, with a guard so that a regression fails instead of hanging.
/// </summary>
public sealed class HostileInputTests
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(30);

    private const string Kustomization = "resources:\n- cm.yaml\n";

    /// <summary>Nine anchors, each a list of nine aliases of the one before: 9^9 (~387 million) leaves.</summary>
    private static readonly string AliasBomb = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: bomb\ndata:\n  a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n" +
        string.Concat("bcdefghi".Select((c, i) =>
            $"  {c}: &{c} [{string.Join(",", Enumerable.Repeat("*" + "abcdefghi"[i], 9))}]\n"));

    private static string NestedFlowSequence(int levels) =>
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: deep\ndata:\n  x: " + new string('[', levels) + new string(']', levels) + "\n";

    private static Task<T> OnThreadPoolAsync<T>(Func<T> build) => Task.Run(build).WaitAsync(Guard);

    [Fact]
    public async Task AliasBomb_IsRefused()
    {
        var e = await Assert.ThrowsAsync<KustomizeException>(() =>
            OnThreadPoolAsync(() => KubectlOracle.Tide(new Dictionary<string, string> { ["kustomization.yaml"] = Kustomization, ["cm.yaml"] = AliasBomb })));
        Assert.Equal("MalformedYAMLError: yaml: line 9: document contains excessive aliasing in File: cm.yaml", e.Message);
    }

    [Fact]
    public async Task NestedFlowSequenceOf10000Levels_IsRefusedLikeKubectl()
    {
        var files = new Dictionary<string, string> { ["kustomization.yaml"] = Kustomization, ["cm.yaml"] = NestedFlowSequence(10000) };
        Assert.NotEqual(0, KubectlOracle.Kubectl(files).ExitCode);
        var e = await Assert.ThrowsAsync<KustomizeException>(() => OnThreadPoolAsync(() => KubectlOracle.Tide(files)));
        Assert.Equal("MalformedYAMLError: yaml: line 6: exceeded max depth of 10000 in File: cm.yaml", e.Message);
    }

    [Fact]
    public async Task NestingJustWithinTheLimit_BuildsLikeKubectl()
    {
        // Two mappings and 9,998 sequences: the deepest document kustomize still prints.
        var files = new Dictionary<string, string> { ["kustomization.yaml"] = Kustomization, ["cm.yaml"] = NestedFlowSequence(9998) };
        var expected = KubectlOracle.Kubectl(files);
        Assert.Equal(0, expected.ExitCode);
        Assert.Equal(expected.Stdout, await OnThreadPoolAsync(() => KubectlOracle.Tide(files)));
    }

    [Theory]
    [InlineData("resources:\n- cm.yaml\nnamePrefx: x-\n", "unknown field \"namePrefx\"")]
    [InlineData("resources:\n- cm.yaml\nconfigMapGenerator:\n- name: c\n  literal: [a=b]\n", "unknown field \"literal\"")]
    [InlineData("resources:\n- cm.yaml\npatches:\n- path: p.yaml\n  target:\n    knd: ConfigMap\n", "unknown field \"knd\"")]
    [InlineData("resources: cm.yaml\n", "cannot unmarshal string into Go struct field Kustomization.resources of type []string")]
    [InlineData("resources:\n- cm.yaml\ngeneratorOptions:\n  labels:\n    x: y\n", "cannot unmarshal bool into Go struct field GeneratorOptions.generatorOptions.labels of type string")]
    [InlineData("resources:\n- cm.yaml\npatches:\n- p.yaml\n", "cannot unmarshal string into Go struct field Kustomization.patches of type types.Patch")]
    [InlineData("resources:\n- cm.yaml\nreplicas:\n- name: c\n  count: \"2\"\n", "cannot unmarshal string into Go struct field Replica.replicas.count of type int64")]
    public void KustomizationFieldsAreChecked_AsKustomizeChecksThem(string kustomization, string error)
    {
        var files = new Dictionary<string, string> { ["kustomization.yaml"] = kustomization, ["cm.yaml"] = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n" };
        var expected = KubectlOracle.Kubectl(files);
        Assert.NotEqual(0, expected.ExitCode);
        Assert.Contains(("invalid Kustomization: json: " + error).Replace("\"", "\\\""), expected.Stderr);
        var e = Assert.Throws<KustomizeException>(() => KubectlOracle.Tide(files));
        Assert.Equal("invalid Kustomization: json: " + error, e.Message);
    }

    [Fact]
    public void InvalidUtf8InAManifest_IsRefusedLikeKubectl()
    {
        var dir = Directory.CreateTempSubdirectory("tide-utf8-");
        try
        {
            File.WriteAllText(Path.Combine(dir.FullName, "kustomization.yaml"), Kustomization);
            File.WriteAllBytes(Path.Combine(dir.FullName, "cm.yaml"),
                [.. "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: u\ndata:\n  x: \"a"u8, 0xFF, 0xFE, .. "b\"\n"u8]);
            var expected = KubectlOracle.KubectlAt(dir.FullName);
            Assert.NotEqual(0, expected.ExitCode);
            Assert.Contains("MalformedYAMLError: yaml: invalid leading UTF-8 octet in File: cm.yaml", expected.Stderr);
            var e = Assert.Throws<KustomizeException>(() => Kustomizer.Build(dir.FullName));
            Assert.Equal("MalformedYAMLError: yaml: line 6: invalid leading UTF-8 octet in File: cm.yaml", e.Message);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    /// <summary>Plain manifests (no kustomization file), SOPS files and postBuild output are read through the same
    /// bounded parser.</summary>
    [Fact]
    public async Task PlainManifests_AreBoundedToo()
    {
        var dir = Directory.CreateTempSubdirectory("tide-plain-");
        try
        {
            File.WriteAllText(Path.Combine(dir.FullName, "cm.yaml"), AliasBomb);
            var e = await Assert.ThrowsAsync<ManifestException>(() => OnThreadPoolAsync(() => ManifestBuilder.Build(dir.FullName)));
            Assert.Contains("document contains excessive aliasing", e.Message);

            File.WriteAllText(Path.Combine(dir.FullName, "cm.yaml"), NestedFlowSequence(10001));
            e = await Assert.ThrowsAsync<ManifestException>(() => OnThreadPoolAsync(() => ManifestBuilder.Build(dir.FullName)));
            Assert.Contains("exceeded max depth of 10000", e.Message);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
        Assert.Single(await OnThreadPoolAsync(() => YamlJson.ParseAll(NestedFlowSequence(9998))));
    }

    [Fact]
    public void Utf8Decoding_KeepsTheByteOrderMarkOut() =>
        Assert.Equal("a: b", Tide.Engine.Kustomize.Yaml.BoundedParser.DecodeUtf8([0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes("a: b")]));
}
