using System.Text.Json.Nodes;
using Tide.Engine.Api;
using Tide.Engine.Artifacts;
using Tide.Engine.Kube;
using Tide.Engine.Reconcilers;
using Tide.Engine.Reconcilers.Kustomizations;

namespace Tide.Engine.Tests.Reconcilers.Kustomizations;

public sealed class KustomizationBuilderTests(KustomizationCluster cluster) : IClassFixture<KustomizationCluster>, IDisposable
{
    private readonly TempDirectory _cache = new();
    private readonly HttpClient _http = new();

    private KustomizationBuilder Builder(bool noCrossNamespaceRefs = false) =>
        new(cluster.Kube, new ArtifactCache(_cache.Path, _http), new KustomizationReconcilerOptions { NoCrossNamespaceRefs = noCrossNamespaceRefs });

    public void Dispose()
    {
        _http.Dispose();
        _cache.Dispose();
    }

    [Fact]
    public async Task CrossNamespaceSource_IsRefused_WhenTheNodeSaysSo()
    {
        var ks = KustomizationCluster.Kustomization("build-cross");
        ks = ks with { Spec = ks.Spec with { SourceRef = ks.Spec.SourceRef with { Namespace = "other" } } };
        var artifact = new ArtifactLocation("main@sha1:1", "sha256:" + new string('a', 64), "http://127.0.0.1:1/a.tar.gz");

        Assert.Equal(artifact, await Builder().RequireArtifactAsync(ks, artifact, CancellationToken.None));
        var refused = await Assert.ThrowsAsync<ReconcileFailure>(() =>
            Builder(noCrossNamespaceRefs: true).RequireArtifactAsync(ks, artifact, CancellationToken.None));
        Assert.Equal((ConditionReasons.ArtifactFailed, true), (refused.Reason, refused.Terminal));
    }

    [Fact]
    public async Task UnservedSourceKind_IsRefusedNamingTheKind_EvenWithAnArtifact()
    {
        var ks = KustomizationCluster.Kustomization("build-external");
        ks = ks with { Spec = ks.Spec with { SourceRef = ks.Spec.SourceRef with { Kind = "HelmChart", Name = "generated" } } };
        var artifact = new ArtifactLocation("sha256:1", "sha256:" + new string('a', 64), "http://127.0.0.1:1/a.tar.gz");

        var refused = await Assert.ThrowsAsync<ReconcileFailure>(() => Builder().RequireArtifactAsync(ks, artifact, CancellationToken.None));

        Assert.Equal((ConditionReasons.ArtifactFailed, true), (refused.Reason, refused.Terminal));
        Assert.Equal("source 'generated' kind 'HelmChart' is not supported: sourceRef.kind must be one of GitRepository, OCIRepository, Bucket, ExternalArtifact",
            refused.Message);
    }

    [Fact]
    public async Task WithoutAnArtifactMessage_TheSourcesStatusNamesIt_OrSaysWhyNot()
    {
        var ks = KustomizationCluster.Kustomization("build-status");
        ks = ks with { Spec = ks.Spec with { SourceRef = ks.Spec.SourceRef with { Name = "build-source" } } };
        var missing = await Assert.ThrowsAsync<ReconcileFailure>(() => Builder().RequireArtifactAsync(ks, null, CancellationToken.None));
        Assert.Equal("Source 'GitRepository/flux-system/build-source' not found", missing.Message);

        await cluster.CreateAsync($"""
            apiVersion: source.toolkit.fluxcd.io/v1
            kind: GitRepository
            metadata:
              name: build-source
              namespace: {KustomizationCluster.Namespace}
            spec:
              url: https://example.invalid/repo.git
              interval: 1m
            """);
        var notReady = await Assert.ThrowsAsync<ReconcileFailure>(() => Builder().RequireArtifactAsync(ks, null, CancellationToken.None));
        Assert.Equal((ConditionReasons.ArtifactFailed, "Source is not ready, artifact not found"), (notReady.Reason, notReady.Message));

        var stored = new ArtifactLocation("main@sha1:2", "sha256:" + new string('b', 64), "http://127.0.0.1:1/b.tar.gz");
        await cluster.Kube.ApplyStatusAsync(new ObjectRef(GitRepository.ApiVersionV1, GitRepository.KindName, KustomizationCluster.Namespace, "build-source"),
            new JsonObject { ["artifact"] = new JsonObject { ["revision"] = stored.Revision, ["digest"] = stored.Digest, ["url"] = stored.Url } },
            "test", CancellationToken.None);
        Assert.Equal(stored, await Builder().RequireArtifactAsync(ks, null, CancellationToken.None));
    }

    [Theory]
    [InlineData("./apps", false)]
    [InlineData("/apps/../base", false)]
    [InlineData("../other", true)]
    [InlineData("apps/../../x", true)]
    public void LeavesRoot_TellsPathsThatClimbAboveTheArtifact(string path, bool leaves) =>
        Assert.Equal(leaves, KustomizationBuilder.LeavesRoot(path));

    [Fact]
    public void EncryptedObject_WithoutDecryption_IsAConfigurationError_NeverApplied()
    {
        var encrypted = KustomizationCluster.Read("apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n  namespace: default\nsops:\n  mac: ENC[x]\n");
        var plain = KustomizationCluster.Read("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  namespace: default\n");

        Assert.Single(KustomizationBuilder.Decrypt([plain], null));
        var failure = Assert.Throws<ReconcileFailure>(() => KustomizationBuilder.Decrypt([plain, encrypted], null));
        Assert.Equal((ConditionReasons.BuildFailed, true), (failure.Reason, failure.Terminal));
        Assert.Contains("Secret/default/s is SOPS-encrypted", failure.Message);
    }
}
