using System.Text.Json.Nodes;
using Tide.Engine.Canaries;

namespace Tide.Engine.Tests.Canaries;

/// <summary>When a primary or canary workload counts as ready, as Flagger's isDeploymentReady and isDaemonSetReady
/// decide.</summary>
public sealed class WorkloadReadinessTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 8, 0, 10, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("""{"observedGeneration":1,"desiredNumberScheduled":2,"updatedNumberScheduled":1,"numberAvailable":1}""",
        "waiting for rollout to finish: 1 out of 2 new pods have been updated")]
    [InlineData("""{"observedGeneration":1,"desiredNumberScheduled":2,"updatedNumberScheduled":2,"numberAvailable":1}""",
        "waiting for rollout to finish: 1 of 2 (readyThreshold 100%) updated pods are available")]
    [InlineData("""{"observedGeneration":1,"desiredNumberScheduled":2,"updatedNumberScheduled":2,"numberAvailable":2}""", null)]
    public void DaemonSet_WaitsForEveryDaemon_UntilTheCanarysDeadline(string status, string? expected)
    {
        var daemonSet = Deployment(status);
        Assert.Equal(expected, DaemonSetTarget.Judge(daemonSet, 600, 100, Now.AddMinutes(-1), Now, out var retriable));
        Assert.True(retriable);
        if (expected is not null)
        {
            Assert.Equal("exceeded its progressDeadlineSeconds: 30", DaemonSetTarget.Judge(daemonSet, 30, 100, Now.AddMinutes(-1), Now, out retriable));
            Assert.False(retriable);
        }
    }

    /// <summary>A workload as read from the API server (parsed JSON), with <paramref name="status"/>.</summary>
    private static JsonObject Deployment(string status) =>
        JsonNode.Parse($$"""{"metadata":{"name":"web","generation":1},"spec":{"replicas":2},"status":{{status}}}""")!.AsObject();

    [Theory]
    [InlineData("""{"observedGeneration":0}""", "observed deployment generation less than desired generation")]
    [InlineData("""{"observedGeneration":1,"replicas":2,"updatedReplicas":1}""", "1 out of 2 new replicas have been updated")]
    [InlineData("""{"observedGeneration":1,"replicas":3,"updatedReplicas":2}""", "1 old replicas are pending termination")]
    [InlineData("""{"observedGeneration":1,"replicas":2,"updatedReplicas":2,"availableReplicas":1}""", "1 of 2 (readyThreshold 100%) updated replicas are available")]
    public void NotReady_SaysWhatTheRolloutWaitsFor_AndIsRetriable(string status, string expected)
    {
        var reason = DeploymentTarget.Judge(Deployment(status), 600, 100, Now, out var retriable);

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

        Assert.NotNull(DeploymentTarget.Judge(stuck, 60, 100, Now, out var retriable));
        Assert.False(retriable);
        Assert.NotNull(DeploymentTarget.Judge(stuck, 3600, 100, Now, out retriable));
        Assert.True(retriable);
    }

    [Fact]
    public void NotReady_ProgressDeadlineExceeded_IsNotRetriable_AndAvailableIsReady()
    {
        var exceeded = Deployment("""{"observedGeneration":1,"conditions":[{"type":"Progressing","status":"False","reason":"ProgressDeadlineExceeded"}]}""");
        Assert.Equal("deployment \"web\" exceeded its progress deadline", DeploymentTarget.Judge(exceeded, 600, 100, Now, out var retriable));
        Assert.False(retriable);

        var available = Deployment("""{"observedGeneration":1,"replicas":2,"updatedReplicas":2,"availableReplicas":1}""");
        Assert.Null(DeploymentTarget.Judge(available, 600, 50, Now, out _));
    }
}
