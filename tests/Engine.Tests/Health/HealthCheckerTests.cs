using System.Text.Json.Nodes;
using Tide.Engine.Health;
using Tide.Engine.Kube;
using static Tide.Engine.Tests.Health.LiveObjects;

namespace Tide.Engine.Tests.Health;

public sealed class HealthCheckerTests
{
    private static readonly ObjectRef Web = new("apps/v1", "Deployment", "apps", "web");
    private static readonly ObjectRef Bad = new("apps/v1", "Deployment", "apps", "bad");
    private static readonly ObjectRef Settings = new("v1", "ConfigMap", "apps", "settings");
    private static readonly ObjectRef AppsNamespace = new("v1", "Namespace", "", "apps");

    private readonly Dictionary<ObjectRef, JsonObject> _cluster = new()
    {
        [AppsNamespace] = Parse("""{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"apps"},"status":{"phase":"Active"}}"""),
        [Settings] = Parse("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"settings","namespace":"apps"}}"""),
    };

    private readonly FakeTimeProvider _time = new(Now);

    private HealthChecker Checker() => new((reference, _) =>
        Task.FromResult(_cluster.TryGetValue(reference, out var live) ? live.DeepClone().AsObject() : null), _time);

    private static JsonObject Deployment(string name, long replicas, long ready, string progressing)
    {
        var deployment = Parse("""
            {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"namespace":"apps","generation":1},
             "spec":{"progressDeadlineSeconds":600},"status":{"observedGeneration":1}}
            """);
        deployment["metadata"]!["name"] = name;
        deployment["spec"]!["replicas"] = replicas;
        var status = deployment["status"]!.AsObject();
        status["replicas"] = replicas;
        status["updatedReplicas"] = replicas;
        status["readyReplicas"] = ready;
        status["availableReplicas"] = ready;
        status["conditions"] = new JsonArray(
            new JsonObject { ["type"] = "Available", ["status"] = ready == replicas ? "True" : "False" },
            new JsonObject
            {
                ["type"] = "Progressing",
                ["status"] = progressing == "ProgressDeadlineExceeded" ? "False" : "True",
                ["reason"] = progressing,
            });
        return deployment;
    }

    [Fact]
    public async Task AllCurrent_WhenEveryObjectIsReady()
    {
        _cluster[Web] = Deployment("web", 2, 2, "NewReplicaSetAvailable");

        var report = await Checker().CheckAsync([AppsNamespace, Settings, Web], CancellationToken.None);

        Assert.True(report.AllCurrent);
        Assert.Null(report.FirstFailed);
        Assert.Empty(report.NotReady);
        Assert.Equal([AppsNamespace, Settings, Web], report.Objects.Select(o => o.Object));
    }

    [Fact]
    public async Task EmptySet_IsAllCurrent()
    {
        var report = await Checker().CheckAsync([], CancellationToken.None);

        Assert.True(report.AllCurrent);
    }

    [Fact]
    public async Task StalledDeployment_IsFirstFailed_WithFluxsFailFastMessage()
    {
        _cluster[Web] = Deployment("web", 2, 0, "ReplicaSetUpdated");
        _cluster[Bad] = Deployment("bad", 2, 0, "ProgressDeadlineExceeded");

        var report = await Checker().CheckAsync([Web, Bad, Settings], CancellationToken.None);

        Assert.False(report.AllCurrent);
        Assert.Equal(new ObjectHealth(Bad, HealthStatus.Failed, "Progress deadline exceeded"), report.FirstFailed);
        Assert.Equal([Web, Bad], report.NotReady.Select(o => o.Object));
        Assert.Equal(
            "health check failed after 1.5s: failed early due to stalled resources: "
            + "[Deployment/apps/bad status: 'Failed': Progress deadline exceeded]",
            report.FailedMessage(TimeSpan.FromMilliseconds(1500)));
    }

    [Fact]
    public async Task MissingAndProgressingObjects_AreListedInFluxsTimeoutMessage()
    {
        _cluster[Web] = Deployment("web", 3, 1, "ReplicaSetUpdated");

        var report = await Checker().CheckAsync([Web, Settings, new("v1", "Secret", "apps", "token")], CancellationToken.None);

        Assert.Null(report.FirstFailed);
        Assert.Equal([HealthStatus.InProgress, HealthStatus.NotFound], report.NotReady.Select(o => o.Status));
        Assert.Equal(
            "health check failed after 5m0s: timeout waiting for: [Deployment/apps/web status: 'InProgress': Available: 1/3, "
            + "Secret/apps/token status: 'NotFound': Resource not found]",
            report.TimeoutMessage(TimeSpan.FromMinutes(5)));
    }

    [Fact]
    public async Task ClusterScopedObjects_AreNamedWithoutNamespace()
    {
        _cluster[AppsNamespace]["status"]!["phase"] = "Terminating";

        var report = await Checker().CheckAsync([AppsNamespace], CancellationToken.None);

        Assert.Equal("Namespace/apps status: 'Terminating': Namespace is terminating", Assert.Single(report.NotReady).Describe());
    }

    [Fact]
    public async Task Pods_AreJudgedByTheInjectedClock()
    {
        var pod = new ObjectRef("v1", "Pod", "apps", "p");
        _cluster[pod] = Parse("""
            {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","namespace":"apps","creationTimestamp":"2026-11-25T04:00:00Z"},
             "status":{"phase":"Pending","conditions":[{"type":"PodScheduled","status":"False","reason":"Unschedulable"}]}}
            """);
        var checker = Checker();

        var early = await checker.CheckAsync([pod], CancellationToken.None);
        _time.Advance(TimeSpan.FromSeconds(16));
        var late = await checker.CheckAsync([pod], CancellationToken.None);

        Assert.Equal(HealthStatus.InProgress, early.Objects[0].Status);
        Assert.Equal(HealthStatus.Failed, late.Objects[0].Status);
    }

    [Fact]
    public async Task AnsweredObjects_ThatShowThemselvesReady_AreNotReadAgain_OthersAre()
    {
        var reads = new List<ObjectRef>();
        _cluster[Web] = Deployment("web", replicas: 2, ready: 2, progressing: "NewReplicaSetAvailable");
        var checker = new HealthChecker((reference, _) =>
        {
            reads.Add(reference);
            return Task.FromResult(_cluster.TryGetValue(reference, out var live) ? live.DeepClone().AsObject() : null);
        }, _time);
        // As the apply answered: the ConfigMap is ready as it is; the Deployment's controller had not caught up yet.
        var answered = new Dictionary<ObjectRef, JsonObject>
        {
            [Settings] = _cluster[Settings],
            [Web] = Deployment("web", replicas: 2, ready: 0, progressing: "ReplicaSetUpdated"),
        };

        var report = await checker.CheckAsync([Settings, Web], CancellationToken.None, answered);

        Assert.Equal([HealthStatus.Current, HealthStatus.Current], report.Objects.Select(o => o.Status));
        Assert.Equal([Web], reads);
    }

    [Fact]
    public async Task Cancellation_ReachesTheReader()
    {
        using var cancel = new CancellationTokenSource();
        await cancel.CancelAsync();
        var checker = new HealthChecker((_, token) => Task.FromCanceled<JsonObject?>(token), _time);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => checker.CheckAsync([Web], cancel.Token));
    }
}
