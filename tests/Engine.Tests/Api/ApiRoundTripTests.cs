using Tide.Engine.Yaml;
using System.Text.Json;
using System.Text.Json.Nodes;
using Tide.Engine.Api;

namespace Tide.Engine.Tests.Api;

public sealed class ApiRoundTripTests
{
    [Fact]
    public void GitRepository_FullObject_RoundTrips()
    {
        var original = YamlJson.Parse(FluxSamples.GitRepositoryWithStatus);

        var repository = FluxJson.FromNode<GitRepository>(original);

        Assert.True(JsonNode.DeepEquals(original, FluxJson.ToNode(repository)), FluxJson.Serialize(repository));
        Assert.Equal("2d5d9a4b1e1c3b1f6f0e8c6c2c7a7c7b9f9c2a11", repository.Spec.Reference!.Commit);
        Assert.Equal(TimeSpan.FromMinutes(5), repository.Spec.Interval.Value);
        Assert.Equal(91318, repository.Status!.Artifact!.Size);
        Assert.Equal("app-config", repository.Spec.Include![0].GitRepositoryRef.Name);
        Assert.Equal(new DateTimeOffset(2025, 3, 1, 10, 5, 2, TimeSpan.Zero), repository.Status.Conditions![0].LastTransitionTime);
        Assert.Equal("flux-system", repository.Metadata.NamespaceProperty);
    }

    [Fact]
    public void Kustomization_FullObject_RoundTrips()
    {
        var original = YamlJson.Parse(FluxSamples.KustomizationWithStatus);

        var kustomization = FluxJson.FromNode<Kustomization>(original);

        Assert.True(JsonNode.DeepEquals(original, FluxJson.ToNode(kustomization)), FluxJson.Serialize(kustomization));
        Assert.Equal(TimeSpan.FromMinutes(2), kustomization.Spec.GetRetryInterval());
        Assert.Equal("apps_podinfo_apps_Deployment", kustomization.Status!.Inventory!.Entries[1].Id);
        Assert.Equal("v1", kustomization.Status.Inventory.Entries[1].Version);
        Assert.Equal(TimeSpan.FromSeconds(2.5), kustomization.Status.History![0].LastReconciledDuration.Value);
        Assert.True(kustomization.Spec.Prune);
    }

    [Fact]
    public void Kustomization_PruneFalse_IsWrittenBecauseFluxRequiresIt()
    {
        var kustomization = FluxJson.FromYaml<Kustomization>("""
            apiVersion: kustomize.toolkit.fluxcd.io/v1
            kind: Kustomization
            metadata: {name: a, namespace: b}
            spec:
              interval: 1m
              prune: false
              sourceRef: {kind: GitRepository, name: repo}
            """);

        Assert.Contains("\"prune\":false", FluxJson.Serialize(kustomization));
        Assert.DoesNotContain("suspend", FluxJson.Serialize(kustomization));
        Assert.Equal(TimeSpan.FromSeconds(30), kustomization.Spec.GetTimeout());
    }

    [Fact]
    public void CorpusManifests_FromFluxMultiTenancyExample_RoundTrip()
    {
        var file = Path.Combine(TestPaths.Corpus, "kustomize", "flux-mt-tenants-production", "root", "base", "dev-team", "sync.yaml");
        var documents = YamlJson.ParseAll(File.ReadAllText(file));

        var repository = FluxJson.FromNode<GitRepository>(documents.Single(d => (string?)d["kind"] == GitRepository.KindName));
        var kustomization = FluxJson.FromNode<Kustomization>(documents.Single(d => (string?)d["kind"] == Kustomization.KindName));

        Assert.True(JsonNode.DeepEquals(documents[0], FluxJson.ToNode(repository)));
        Assert.True(JsonNode.DeepEquals(documents[1], FluxJson.ToNode(kustomization)));
        Assert.Equal("dev-team", repository.Spec.Reference!.Branch);
        Assert.Equal("GitRepository/dev-team", kustomization.Spec.SourceRef.ToString());
    }

    [Fact]
    public void MissingRequiredField_IsRejected()
    {
        var error = Assert.Throws<JsonException>(() => FluxJson.FromYaml<GitRepository>("""
            apiVersion: source.toolkit.fluxcd.io/v1
            kind: GitRepository
            metadata: {name: a}
            spec:
              interval: 1m
            """));

        Assert.Contains("url", error.Message);
    }

    [Fact]
    public void Yaml_WritesBackWhatItRead()
    {
        var repository = FluxJson.FromYaml<GitRepository>(FluxSamples.GitRepositoryWithStatus);

        var again = FluxJson.FromYaml<GitRepository>(FluxJson.ToYaml(repository));

        Assert.True(JsonNode.DeepEquals(FluxJson.ToNode(repository), FluxJson.ToNode(again)));
    }
}
