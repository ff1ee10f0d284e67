using System.Text.Json.Nodes;
using Tide.Actors.Handlers;
using Tide.Engine.Api;
using Tide.Engine.Artifacts;
using Tide.Engine.Kube;
using Tide.Engine.Reconcilers;

namespace Tide.EndToEnd.Tests;

/// <summary>A reconcile that throws what no failure mapping knows still ends with its status written (as Flux
/// always finalizes status): Ready=False with the kind's reason and the message, read back from the API server.</summary>
public sealed class UnexpectedFailureTests(FluxCluster cluster) : IClassFixture<FluxCluster>
{
    private StatusWriter Status => cluster.Status;

    [Fact]
    public async Task KustomizationWhoseArtifactUrlNoClientCanFetch_IsWrittenAsReconciliationFailed_RetriedAfterRetryInterval()
    {
        var created = await cluster.Kube.CreateAsync(FluxJson.ToNode(FluxJson.FromYaml<Kustomization>("""
            apiVersion: kustomize.toolkit.fluxcd.io/v1
            kind: Kustomization
            metadata:
              name: app
              namespace: flux-system
            spec:
              interval: 10m
              retryInterval: 45s
              path: ./
              prune: true
              sourceRef:
                kind: GitRepository
                name: repo
            """)).AsObject(), CancellationToken.None);
        using var http = new HttpClient();
        var handler = new KustomizationHandler(
            new KustomizationReconciler(cluster.Kube, new ArtifactCache(cluster.Combine("cache"), http), new KustomizationReconcilerOptions()),
            Status, new StageLimiter(1));
        // A source status naming a URL of a scheme no HTTP client speaks: no failure mapping knows that exception.
        var artifact = new ArtifactLocation("main@sha1:1", "sha256:" + new string('a', 64), "ftp://127.0.0.1/a.tar.gz");

        var outcome = await handler.ReconcileAsync(created, artifact, CancellationToken.None);

        Assert.NotNull(outcome.Error);
        Assert.Equal((false, TimeSpan.FromSeconds(45), false), (outcome.Succeeded, outcome.RequeueAfter, outcome.Backoff));
        var read = FluxJson.FromNode<Kustomization>((await cluster.Kube.GetAsync(ObjectRef.Of(created), CancellationToken.None))!);
        var ready = Assert.Single(read.Status!.Conditions!, c => c.Type == ConditionTypes.Ready);
        Assert.Equal((ConditionStatus.False, ConditionReasons.ReconciliationFailed), (ready.Status, ready.Reason));
        Assert.Contains("ftp", ready.Message);
    }

    [Fact]
    public async Task SourceReconcileThrowingAnUnknownException_IsWrittenAsReadyFalse_WithTheKindsReason()
    {
        var created = await cluster.CreateGitRepositoryAsync("app");
        var handler = new SourceHandler<GitRepository, GitRepositoryStatus>(Status, new StageLimiter(1),
            (_, _) => throw new InvalidOperationException("the fetcher broke in an unforeseen way"),
            s => s.Artifact, (_, _) => Task.CompletedTask, UnexpectedFailure.Source(ConditionReasons.GitOperationFailed));

        var outcome = await handler.ReconcileAsync(created, null, CancellationToken.None);

        Assert.False(outcome.Succeeded);
        Assert.True(outcome.Backoff);
        Assert.IsType<InvalidOperationException>(outcome.Error);
        var read = FluxJson.FromNode<GitRepository>((await cluster.Kube.GetAsync(ObjectRef.Of(created), CancellationToken.None))!);
        var ready = Assert.Single(read.Status!.Conditions!, c => c.Type == ConditionTypes.Ready);
        Assert.Equal((ConditionStatus.False, ConditionReasons.GitOperationFailed, "the fetcher broke in an unforeseen way"),
            (ready.Status, ready.Reason, ready.Message));
        Assert.Contains(read.Status.Conditions!, c => c.Type == ConditionTypes.FetchFailed && c.Status == ConditionStatus.True);
        Assert.Contains(read.Status.Conditions!, c => c.Type == ConditionTypes.Reconciling && c.Reason == ConditionReasons.ProgressingWithRetry);
        Assert.Equal(read.Metadata.ResourceVersion, (string?)outcome.Written?["metadata"]?["resourceVersion"]);
    }
}
