using Tide.Engine.Api;
using Tide.Engine.Artifacts;
using Tide.Engine.Reconcilers;

namespace Tide.Engine.Tests.Reconcilers.Kustomizations;

/// <summary>The reconciler's own decisions: when a failed reconcile runs again, and the status it makes of a failure.</summary>
public sealed class KustomizationReconcilerTests(KustomizationCluster cluster) : IClassFixture<KustomizationCluster>, IDisposable
{
    private readonly TempDirectory _cache = new();
    private readonly HttpClient _http = new();

    private KustomizationReconciler Reconciler => new(cluster.Kube, new ArtifactCache(_cache.Path, _http),
        new KustomizationReconcilerOptions { DependencyRequeueInterval = TimeSpan.FromSeconds(20) });

    public void Dispose()
    {
        _http.Dispose();
        _cache.Dispose();
    }

    [Fact]
    public async Task Failure_IsRetriedAfterRetryInterval_AndAWaitOnADependencyAfterTheDependencyInterval()
    {
        var waiting = await cluster.CreateAsync(KustomizationCluster.Kustomization("rec-waits", "  dependsOn:\n  - name: rec-nowhere\n"));
        var result = await Reconciler.ReconcileAsync(waiting, null, CancellationToken.None);
        Assert.Equal(Requeue.AfterRetryInterval(TimeSpan.FromSeconds(20)), result.Requeue);
        Assert.Equal(ConditionReasons.DependencyNotReady, result.Status.Conditions!.Single(c => c.Type == ConditionTypes.Ready).Reason);

        // No such source: a failure like any other, retried after spec.retryInterval (30s here), not on a backoff.
        var failing = await cluster.CreateAsync(KustomizationCluster.Kustomization("rec-fails"));
        var failed = await Reconciler.ReconcileAsync(failing, null, CancellationToken.None);
        Assert.Equal(Requeue.AfterRetryInterval(TimeSpan.FromSeconds(30)), failed.Requeue);
        var ready = failed.Status.Conditions!.Single(c => c.Type == ConditionTypes.Ready);
        Assert.Equal((ConditionStatus.False, ConditionReasons.ArtifactFailed, "Source 'GitRepository/flux-system/repo' not found"),
            (ready.Status, ready.Reason, ready.Message));
        Assert.Contains(failed.Status.Conditions!, c => c.Type == ConditionTypes.Reconciling && c.Reason == ConditionReasons.ProgressingWithRetry);
    }
}
