using Tide.Engine.Health;
using Tide.Engine.Kube;

namespace Tide.Engine.Tests.Health;

public sealed class HealthReportTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);

    private static ObjectHealth Object(string name, HealthStatus status, string message) =>
        new(new ObjectRef("apps/v1", "Deployment", "apps", name), status, message);

    [Fact]
    public void AllCurrent_IsHealthy_EvenAtTheTimeout()
    {
        var report = new HealthReport([Object("web", HealthStatus.Current, "Deployment is available. Replicas: 1")]);

        Assert.Equal(new HealthVerdict(HealthOutcome.Healthy, "Health check passed in 5m0s"), report.Decide(Timeout, Timeout));
    }

    [Fact]
    public void Failed_EndsTheWaitBeforeTheTimeout()
    {
        var report = new HealthReport([
            Object("web", HealthStatus.InProgress, "Ready: 0/1"),
            Object("bad", HealthStatus.Failed, "Progress deadline exceeded"),
        ]);

        var verdict = report.Decide(TimeSpan.FromSeconds(12), Timeout);

        Assert.Equal(HealthOutcome.Failed, verdict.Outcome);
        Assert.Equal(
            "health check failed after 12s: failed early due to stalled resources: "
            + "[Deployment/apps/bad status: 'Failed': Progress deadline exceeded]",
            verdict.Message);
    }

    [Fact]
    public void Progressing_BeforeTheTimeout_KeepsWaiting()
    {
        var report = new HealthReport([
            Object("web", HealthStatus.InProgress, "Ready: 0/1"),
            Object("api", HealthStatus.Current, "Deployment is available. Replicas: 1"),
        ]);

        var verdict = report.Decide(TimeSpan.FromSeconds(30), Timeout);

        Assert.Equal(new HealthVerdict(HealthOutcome.Waiting, "waiting for: [Deployment/apps/web status: 'InProgress': Ready: 0/1]"), verdict);
    }

    [Fact]
    public void Progressing_AtTheTimeout_TimesOut_WithFluxsMessage()
    {
        var report = new HealthReport([Object("web", HealthStatus.InProgress, "Ready: 0/1")]);

        var verdict = report.Decide(Timeout + TimeSpan.FromMilliseconds(38), Timeout);

        Assert.Equal(HealthOutcome.TimedOut, verdict.Outcome);
        Assert.Equal("health check failed after 5m0.038s: timeout waiting for: [Deployment/apps/web status: 'InProgress': Ready: 0/1]",
            verdict.Message);
    }
}
