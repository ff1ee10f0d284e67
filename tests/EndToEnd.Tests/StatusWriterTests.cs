using Tide.Actors.Handlers;
using Tide.Engine.Api;
using Tide.Engine.Kube;
using Tide.Engine.Reconcilers;

namespace Tide.EndToEnd.Tests;

/// <summary>The one way status reaches the server, against the embedded API server: written whole, and a write to an
/// object deleted meanwhile is no error.</summary>
public sealed class StatusWriterTests(FluxCluster cluster) : IClassFixture<FluxCluster>
{
    private StatusWriter Writer => cluster.Status;

    [Fact]
    public async Task Write_LeavesOnTheServerExactlyTheStatusWritten()
    {
        var repository = await cluster.CreateGitRepositoryAsync("whole");
        await Writer.WriteAsync(repository, FluxJson.ToNode(new GitRepositoryStatus { ObservedIgnore = "*.md", ObservedGeneration = 1 }), [],
            "source-controller");

        var written = await Writer.WriteAsync(repository, FluxJson.ToNode(new GitRepositoryStatus { ObservedGeneration = 1 }),
            [new ReconcileEvent(ReconcileEvent.Normal, "Succeeded", "stored")], "source-controller");

        var read = await cluster.Kube.GetAsync(ObjectRef.Of(repository), CancellationToken.None);
        Assert.Equal("""{"observedGeneration":1}""", read!["status"]!.ToJsonString());
        Assert.Equal(read["metadata"]!["resourceVersion"]!.GetValue<string>(), written!["metadata"]!["resourceVersion"]!.GetValue<string>());
    }

    [Fact]
    public async Task Write_ToAnObjectDeletedMeanwhile_ReturnsNothing()
    {
        var repository = await cluster.CreateGitRepositoryAsync("gone");
        await cluster.Kube.DeleteAsync(ObjectRef.Of(repository), "Background", CancellationToken.None);

        Assert.Null(await Writer.WriteAsync(repository, FluxJson.ToNode(new GitRepositoryStatus { ObservedGeneration = 1 }),
            [new ReconcileEvent(ReconcileEvent.Normal, "Succeeded", "stored")], "source-controller"));
    }
}
