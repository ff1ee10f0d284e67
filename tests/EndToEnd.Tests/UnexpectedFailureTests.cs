using System.Text.Json.Nodes;
using Tide.Actors.Handlers;
using Tide.ApiServer;
using Tide.Engine.Api;
using Tide.Engine.Kube;
using Tide.Engine.Reconcilers;
using Tide.Host.Runtime;
using Tide.Testing;

namespace Tide.EndToEnd.Tests;

/// <summary>A reconcile that throws what no failure mapping knows still ends with its status written (as Flux
/// always finalizes status): Ready=False with the kind's reason and the message, read back from the API server.</summary>
public sealed class UnexpectedFailureTests
{
    [Fact]
    public async Task SourceReconcileThrowingAnUnknownException_IsWrittenAsReadyFalse_WithTheKindsReason()
    {
        using var dir = new TempDirectory("tide-unexpected-");
        await using var server = await ApiServerHost.StartAsync(new ApiServerOptions());
        using var kube = KubeClient.FromKubeconfig(server.WriteKubeconfig(dir.Combine("kubeconfig")));
        await CrdInstaller.InstallMissingAsync(kube, CancellationToken.None);
        await kube.CreateAsync(new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Namespace", ["metadata"] = new JsonObject { ["name"] = "flux-system" } },
            CancellationToken.None);
        var created = await kube.CreateAsync(FluxJson.ToNode(new GitRepository
        {
            ApiVersion = GitRepository.ApiVersionV1,
            Kind = GitRepository.KindName,
            Metadata = new k8s.Models.V1ObjectMeta { Name = "app", NamespaceProperty = "flux-system" },
            Spec = new GitRepositorySpec { Url = "https://example.invalid/app.git", Interval = GoDuration.Parse("1m") },
        }).AsObject(), CancellationToken.None);
        var status = new StatusWriter(kube, "tide", new EventRecorder(kube, TimeProvider.System), TimeProvider.System);
        var handler = new SourceHandler<GitRepository, GitRepositoryStatus>(status, new StageLimiter(1),
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
