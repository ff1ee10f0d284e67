using System.Text.Json.Nodes;
using Tide.Engine.Manifests;

namespace Tide.Engine.Tests.Manifests;

public sealed class ManifestReaderTests
{
    [Fact]
    public void Read_MultiDocumentAndList_TypesScalarsLikeKustomize()
    {
        var objects = ManifestReader.Read("""
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: a
            data:
              quoted: "8080"
              version: 1.10
              flag: yes
            ---
            # only a comment
            ---
            apiVersion: v1
            kind: List
            items:
            - apiVersion: apps/v1
              kind: Deployment
              metadata: {name: b}
              spec: {replicas: 3, paused: false, x: null, hex: 0x1F}
            """, "app.yaml");

        Assert.Equal(2, objects.Count);
        Assert.Equal("8080", objects[0]["data"]!["quoted"]!.GetValue<string>());
        Assert.Equal(1.1, objects[0]["data"]!["version"]!.GetValue<double>());
        Assert.Equal("yes", objects[0]["data"]!["flag"]!.GetValue<string>());
        var spec = objects[1]["spec"]!.AsObject();
        Assert.Equal(3, spec["replicas"]!.GetValue<long>());
        Assert.False(spec["paused"]!.GetValue<bool>());
        Assert.True(spec.ContainsKey("x") && spec["x"] is null);
        Assert.Equal(31, spec["hex"]!.GetValue<long>());
    }

    [Theory]
    [InlineData("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n data: x\n", "apps/bad.yaml: invalid YAML at line")]
    [InlineData("kind: ConfigMap\nmetadata:\n  name: a\n", "apps/bad.yaml: an object has no apiVersion or kind")]
    [InlineData("apiVersion: v1\nkind: ConfigMap\nmetadata: {}\n", "apps/bad.yaml: ConfigMap has no metadata.name")]
    [InlineData("- a\n- b\n", "apps/bad.yaml: a document is not a mapping")]
    public void Read_BadInput_NamesTheFile(string yaml, string expected)
    {
        var error = Assert.Throws<ManifestException>(() => ManifestReader.Read(yaml, "apps/bad.yaml"));
        Assert.StartsWith(expected, error.Message);
    }
}
