using System.Text.Json.Nodes;
using Tide.Engine.Api;
using Tide.Engine.Yaml;

namespace Tide.Engine.Tests.Api;

/// <summary>The Helm kinds read and write the manifests of fluxcd/flux2-kustomize-helm-example unchanged.</summary>
public sealed class HelmApiRoundTripTests
{
    private static IReadOnlyList<JsonNode> Corpus(string name) =>
        YamlJson.ParseAll(File.ReadAllText(Path.Combine(TestPaths.Corpus, "kustomize", name, "expected.yaml")));

    public static TheoryData<string> Examples => new("flux-example-apps-production", "flux-example-infra-controllers");

    [Theory]
    [MemberData(nameof(Examples))]
    public void HelmRepositoriesAndReleases_OfTheFluxExample_RoundTrip(string example)
    {
        var checkedObjects = 0;
        foreach (var original in Corpus(example))
        {
            JsonNode? again = (string?)original["kind"] switch
            {
                HelmRepository.KindName => FluxJson.ToNode(FluxJson.FromNode<HelmRepository>(original)),
                HelmRelease.KindName => FluxJson.ToNode(FluxJson.FromNode<HelmRelease>(original)),
                _ => null,
            };
            if (again is null)
                continue;
            Assert.True(JsonNode.DeepEquals(original, again), again.ToJsonString());
            checkedObjects++;
        }
        Assert.True(checkedObjects >= 2);
    }

    [Fact]
    public void HelmRelease_ValuesAndChartTemplate_AreRead()
    {
        var release = FluxJson.FromYaml<HelmRelease>("""
            apiVersion: helm.toolkit.fluxcd.io/v2
            kind: HelmRelease
            metadata: {name: podinfo, namespace: apps}
            spec:
              interval: 5m
              chart:
                spec:
                  chart: podinfo
                  version: ">=6.0.0"
                  sourceRef: {kind: HelmRepository, name: podinfo, namespace: flux-system}
              values:
                replicaCount: 2
                ingress: {enabled: true, hosts: [{host: a.example.com}]}
              upgrade:
                remediation: {retries: 3, strategy: rollback}
            """);

        Assert.Equal(2, (int)release.Spec.Values!["replicaCount"]!);
        Assert.Equal("a.example.com", (string?)release.Spec.Values["ingress"]!["hosts"]![0]!["host"]);
        Assert.Equal("flux-system", release.Spec.Chart!.Spec.SourceRef.Namespace);
        Assert.Equal(3, release.Spec.Upgrade!.Remediation!.Retries);
        Assert.Equal(TimeSpan.FromMinutes(5), release.Spec.GetTimeout());
        Assert.Equal(5, release.Spec.GetMaxHistory());
    }
}
