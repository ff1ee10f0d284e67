using System.Text.Json.Nodes;
using Tide.Engine.Canaries;

namespace Tide.Engine.Tests.Canaries;

/// <summary>When a primary or canary Deployment counts as ready, as Flagger's isDeploymentReady decides.</summary>
public sealed class DeploymentReadinessTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 8, 0, 10, 0, TimeSpan.Zero);

    /// <summary>A Deployment as read from the API server (parsed JSON), with <paramref name="status"/>.</summary>
    private static JsonObject Deployment(string status) =>
        JsonNode.Parse($$"""{"metadata":{"name":"web","generation":1},"spec":{"replicas":2},"status":{{status}}}""")!.AsObject();

    [Theory]
    [InlineData("""{"observedGeneration":0}""", "observed deployment generation less than desired generation")]
    [InlineData("""{"observedGeneration":1,"replicas":2,"updatedReplicas":1}""", "1 out of 2 new replicas have been updated")]
    [InlineData("""{"observedGeneration":1,"replicas":3,"updatedReplicas":2}""", "1 old replicas are pending termination")]
    [InlineData("""{"observedGeneration":1,"replicas":2,"updatedReplicas":2,"availableReplicas":1}""", "1 of 2 (readyThreshold 100%) updated replicas are available")]
    public void NotReady_SaysWhatTheRolloutWaitsFor_AndIsRetriable(string status, string expected)
    {
        var reason = DeploymentTarget.NotReady(Deployment(status), 600, 100, Now, out var retriable);

        Assert.EndsWith(expected, reason);
        Assert.True(retriable);
    }

    [Fact]
    public void NotReady_PastItsProgressDeadline_IsNotRetriable()
    {
        var stuck = Deployment("""
            {"observedGeneration":1,"replicas":2,"updatedReplicas":2,"availableReplicas":0,"conditions":[
              {"type":"Progressing","status":"True","reason":"ReplicaSetUpdated"},
              {"type":"Available","status":"False","reason":"MinimumReplicasUnavailable","lastUpdateTime":"2026-12-08T00:00:00Z"}]}
            """);

        Assert.NotNull(DeploymentTarget.NotReady(stuck, 60, 100, Now, out var retriable));
        Assert.False(retriable);
        Assert.NotNull(DeploymentTarget.NotReady(stuck, 3600, 100, Now, out retriable));
        Assert.True(retriable);
    }

    [Fact]
    public void NotReady_ProgressDeadlineExceeded_IsNotRetriable_AndAvailableIsReady()
    {
        var exceeded = Deployment("""{"observedGeneration":1,"conditions":[{"type":"Progressing","status":"False","reason":"ProgressDeadlineExceeded"}]}""");
        Assert.Equal("deployment \"web\" exceeded its progress deadline", DeploymentTarget.NotReady(exceeded, 600, 100, Now, out var retriable));
        Assert.False(retriable);

        var available = Deployment("""{"observedGeneration":1,"replicas":2,"updatedReplicas":2,"availableReplicas":1}""");
        Assert.Null(DeploymentTarget.NotReady(available, 600, 50, Now, out _));
    }
}
