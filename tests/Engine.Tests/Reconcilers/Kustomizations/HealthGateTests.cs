using System.Net;
using Tide.Engine.Api;
using Tide.Engine.Kube;
using Tide.Engine.Reconcilers;
using Tide.Engine.Reconcilers.Kustomizations;

namespace Tide.Engine.Tests.Reconcilers.Kustomizations;

public sealed class HealthGateTests(KustomizationCluster cluster) : IClassFixture<KustomizationCluster>
{
    private static readonly DateTimeOffset Start = new(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _time = new(Start);

    private ConditionSet Conditions() => new([], 1, _time);

    [Fact]
    public async Task ExistingConfigMap_IsHealthy_ReadyAndBackOnTheInterval()
    {
        await cluster.CreateAsync("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: health-ok\n  namespace: default\n");
        var ks = KustomizationCluster.Kustomization("health-ok");
        var conditions = Conditions();

        var step = await new HealthGate(_time).JudgeAsync(cluster.Kube, ks, [new ObjectRef("v1", "ConfigMap", "default", "health-ok")],
            conditions, Start, "main@sha1:1", CancellationToken.None);

        Assert.Equal(Requeue.AfterInterval(TimeSpan.FromMinutes(10)), step.Requeue);
        Assert.True(conditions.IsTrue(ConditionTypes.Healthy));
        Assert.Equal("Applied revision: main@sha1:1", conditions.Get(ConditionTypes.Ready)!.Message);
    }

    [Fact]
    public async Task MissingObject_WaitsOnTicks_ThenFailsAtTheTimeout_RetryingAfterRetryInterval()
    {
        var ks = KustomizationCluster.Kustomization("health-wait", "  timeout: 1m\n");
        var target = new ObjectRef("v1", "ConfigMap", "default", "health-never");
        var gate = new HealthGate(_time);

        var waiting = Conditions();
        var first = await gate.JudgeAsync(cluster.Kube, ks, [target], waiting, Start, "main@sha1:1", CancellationToken.None);
        Assert.Equal(Requeue.HealthCheckIn(HealthGate.FirstTick), first.Requeue);
        Assert.Equal(ConditionStatus.Unknown, waiting.Get(ConditionTypes.Ready)!.Status);

        // Past the first tick's span of the wait, the rounds come every tick.
        _time.Advance(HealthGate.Tick);
        var later = await gate.JudgeAsync(cluster.Kube, ks, [target], Conditions(), Start, "main@sha1:1", CancellationToken.None);
        Assert.Equal(Requeue.HealthCheckIn(HealthGate.Tick), later.Requeue);

        _time.Advance(TimeSpan.FromMinutes(1));
        var failed = Conditions();
        var last = await gate.JudgeAsync(cluster.Kube, ks, [target], failed, Start, "main@sha1:1", CancellationToken.None);
        Assert.Equal(Requeue.AfterRetryInterval(TimeSpan.FromSeconds(30)), last.Requeue);
        Assert.Equal((ConditionStatus.False, ConditionReasons.HealthCheckFailed),
            (failed.Get(ConditionTypes.Ready)!.Status, failed.Get(ConditionTypes.Ready)!.Reason));
        Assert.Single(last.Events, e => e.Reason == ConditionReasons.HealthCheckFailed);
    }

    [Fact]
    public async Task InvalidCelExpression_IsStalled()
    {
        var ks = KustomizationCluster.Kustomization("health-cel",
            "  healthCheckExprs:\n  - apiVersion: v1\n    kind: ConfigMap\n    current: \"data.(((\"\n");
        var conditions = Conditions();

        var step = await new HealthGate(_time).JudgeAsync(cluster.Kube, ks, [], conditions, Start, "main@sha1:1", CancellationToken.None);

        Assert.Equal(Requeue.OnChange, step.Requeue);
        Assert.True(conditions.IsTrue(ConditionTypes.Stalled));
    }

    [Fact]
    public void Unreachable_IsLookedAtAgainUntilTheTimeout_ButARefusalFailsAtOnce()
    {
        var ks = KustomizationCluster.Kustomization("health-down", "  timeout: 1m\n");
        var gate = new HealthGate(_time);
        var down = new KubeApiException(HttpStatusCode.ServiceUnavailable, "ServiceUnavailable", "down");

        Assert.Equal(Requeue.HealthCheckIn(HealthGate.Tick), gate.Unreachable(ks, Conditions(), down, Start, "r").Requeue);
        var refused = Conditions();
        var step = gate.Unreachable(ks, refused, new KubeApiException(HttpStatusCode.Forbidden, "Forbidden", "no"), Start, "r");
        Assert.Equal(RequeueMode.Retry, step.Requeue.Mode);
        Assert.Equal(ConditionReasons.HealthCheckFailed, refused.Get(ConditionTypes.Ready)!.Reason);
        _time.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(RequeueMode.Retry, gate.Unreachable(ks, Conditions(), down, Start, "r").Requeue.Mode);
    }
}
