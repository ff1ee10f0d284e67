using System.Text.Json.Nodes;
using Tide.Actors.Handlers;
using Tide.ApiServer;
using Tide.Engine.Api;
using Tide.Engine.Artifacts;
using Tide.Engine.Kube;
using Tide.Engine.Reconcilers;
using Tide.Host.Runtime;
using Tide.Testing;

namespace Tide.EndToEnd.Tests;

/// <summary>A reconcile that throws what no failure mapping knows still ends with its status written (as Flux
/// always finalizes status): Ready=False with the kind's reason and the message, read back from the API server.</summary>
public sealed class UnexpectedFailureTests : IAsyncLifetime
{
    private readonly TempDirectory _dir = new("tide-unexpected-");
    private ApiServerHost _server = null!;
    private KubeClient _kube = null!;

    public async Task InitializeAsync()
    {
        _server = await ApiServerHost.StartAsync(new ApiServerOptions());
        _kube = KubeClient.FromKubeconfig(_server.WriteKubeconfig(_dir.Combine("kubeconfig")));
        await CrdInstaller.InstallMissingAsync(_kube, CancellationToken.None);
        await _kube.CreateAsync(new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Namespace", ["metadata"] = new JsonObject { ["name"] = "flux-system" } },
            CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        _kube.Dispose();
        await _server.DisposeAsync();
        _dir.Dispose();
    }

    private StatusWriter Status => new(_kube, "tide", new EventRecorder(_kube, TimeProvider.System), TimeProvider.System);

    [Fact]
    public async Task KustomizationWhoseArtifactUrlNoClientCanFetch_IsWrittenAsReconciliationFailed_RetriedAfterRetryInterval()
    {
        var created = await _kube.CreateAsync(FluxJson.ToNode(FluxJson.FromYaml<Kustomization>("""
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
            new KustomizationReconciler(_kube, new ArtifactCache(_dir.Combine("cache"), http), new KustomizationReconcilerOptions()),
            Status, new StageLimiter(1));
        // A source status naming a URL of a scheme no HTTP client speaks: no failure mapping knows that exception.
        var artifact = new ArtifactLocation("main@sha1:1", "sha256:" + new string('a', 64), "ftp://127.0.0.1/a.tar.gz");

        var outcome = await handler.ReconcileAsync(created, artifact, CancellationToken.None);

        Assert.NotNull(outcome.Error);
        Assert.Equal((false, TimeSpan.FromSeconds(45), false), (outcome.Succeeded, outcome.RequeueAfter, outcome.Backoff));
        var read = FluxJson.FromNode<Kustomization>((await _kube.GetAsync(ObjectRef.Of(created), CancellationToken.None))!);
        var ready = Assert.Single(read.Status!.Conditions!, c => c.Type == ConditionTypes.Ready);
        Assert.Equal((ConditionStatus.False, ConditionReasons.ReconciliationFailed), (ready.Status, ready.Reason));
        Assert.Contains("ftp", ready.Message);
    }

    [Fact]
    public async Task SourceReconcileThrowingAnUnknownException_IsWrittenAsReadyFalse_WithTheKindsReason()
    {
        var kube = _kube;
        var created = await kube.CreateAsync(FluxJson.ToNode(new GitRepository
        {
            ApiVersion = GitRepository.ApiVersionV1,
            Kind = GitRepository.KindName,
            Metadata = new k8s.Models.V1ObjectMeta { Name = "app", NamespaceProperty = "flux-system" },
            Spec = new GitRepositorySpec { Url = "https://example.invalid/app.git", Interval = GoDuration.Parse("1m") },
        }).AsObject(), CancellationToken.None);
        var handler = new SourceHandler<GitRepository, GitRepositoryStatus>(Status, new StageLimiter(1),
            (_, _) => throw new InvalidOperationException("the fetcher broke in an unforeseen way"),
            s => s.Artifact, (_, _) => Task.CompletedTask, UnexpectedFailure.Source(ConditionReasons.GitOperationFailed));

        var outcome = await handler.ReconcileAsync(created, null, CancellationToken.None);

        Assert.False(outcome.Succeeded);
        Assert.True(outcome.Backoff);
        Assert.IsType<InvalidOperationException>(outcome.Error);
        var read = FluxJson.FromNode<GitRepository>((await kube.GetAsync(ObjectRef.Of(created), CancellationToken.None))!);
        var ready = Assert.Single(read.Status!.Conditions!, c => c.Type == ConditionTypes.Ready);
        Assert.Equal((ConditionStatus.False, ConditionReasons.GitOperationFailed, "the fetcher broke in an unforeseen way"),
            (ready.Status, ready.Reason, ready.Message));
        Assert.Contains(read.Status.Conditions!, c => c.Type == ConditionTypes.FetchFailed && c.Status == ConditionStatus.True);
        Assert.Contains(read.Status.Conditions!, c => c.Type == ConditionTypes.Reconciling && c.Reason == ConditionReasons.ProgressingWithRetry);
        Assert.Equal(read.Metadata.ResourceVersion, (string?)outcome.Written?["metadata"]?["resourceVersion"]);
    }
}
