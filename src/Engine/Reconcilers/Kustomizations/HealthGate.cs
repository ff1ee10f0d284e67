using System.Net;
using Tide.Engine.Api;
using Tide.Engine.Health;
using Tide.Engine.Kube;

namespace Tide.Engine.Reconcilers.Kustomizations;

/// <summary>
/// The health checks of an applied revision (wait: everything applied; else spec.healthChecks and
/// spec.healthCheckExprs), one round at a time: each round writes Healthy/Ready as Flux does (passed; failed: the
/// first Failed object or the timeout, HealthCheckFailed, retried after retryInterval; still waiting: look again
/// after <see cref="Tick"/>). Nothing is held between rounds.
/// </summary>
public sealed class HealthGate(TimeProvider time)
{
    /// <summary>How often health checks look again while objects are not ready yet (Flux polls every 5s).</summary>
    public static readonly TimeSpan Tick = TimeSpan.FromSeconds(5);

    /// <summary>How soon they look again during the first <see cref="Tick"/> of a wait: most objects that are not
    /// ready right after the apply are a controller's moment away from it (a Deployment scaled to 0, a Service's
    /// address), and a whole tick for each of those made the slowest tenth of a rollout (bench `flux`).</summary>
    public static readonly TimeSpan FirstTick = TimeSpan.FromSeconds(1);

    /// <summary>Checks <paramref name="targets"/> once, writing the verdict into <paramref name="conditions"/>.
    /// <paramref name="answered"/>: the objects as their apply just left them (see <see cref="HealthChecker"/>).</summary>
    public async Task<HealthStep> JudgeAsync(KubeClient cluster, Kustomization ks, IReadOnlyList<ObjectRef> targets,
        ConditionSet conditions, DateTimeOffset waitStarted, string revision, CancellationToken ct,
        IReadOnlyDictionary<ObjectRef, System.Text.Json.Nodes.JsonObject>? answered = null)
    {
        IReadOnlyList<CelHealthCheck> expressions;
        try
        {
            expressions = (ks.Spec.HealthCheckExprs ?? []).Select(CelHealthCheck.Compile).ToList();
        }
        catch (InvalidHealthCheckExpressionException e)
        {
            conditions.MarkFalse(ConditionTypes.Ready, ConditionReasons.InvalidCelExpression, e.Message);
            conditions.MarkStalled(ConditionReasons.InvalidCelExpression, e.Message);
            return new HealthStep([new ReconcileEvent(ReconcileEvent.Warning, ConditionReasons.InvalidCelExpression, e.Message)], Requeue.OnChange);
        }
        var checker = new HealthChecker((target, token) => cluster.GetAsync(target, token), time, expressions);
        var report = await checker.CheckAsync(targets, ct, answered);
        var verdict = report.Decide(time.GetUtcNow() - waitStarted, ks.Spec.GetTimeout());
        switch (verdict.Outcome)
        {
            case HealthOutcome.Healthy:
                conditions.MarkTrue(ConditionTypes.Healthy, ConditionReasons.Succeeded, verdict.Message);
                conditions.Delete(ConditionTypes.Reconciling);
                conditions.Delete(ConditionTypes.Stalled);
                conditions.MarkTrue(ConditionTypes.Ready, ConditionReasons.ReconciliationSucceeded, $"Applied revision: {revision}");
                return new HealthStep([], Requeue.AfterInterval(ks.Spec.Interval.Value));
            case HealthOutcome.Waiting:
                var waiting = $"Health check in progress for revision {revision}: {verdict.Message}";
                conditions.MarkUnknown(ConditionTypes.Healthy, ConditionReasons.Progressing, waiting);
                conditions.MarkReconciling(ConditionReasons.Progressing, waiting);
                conditions.MarkUnknown(ConditionTypes.Ready, ConditionReasons.Progressing, waiting);
                return new HealthStep([], Requeue.HealthCheckIn(time.GetUtcNow() - waitStarted < Tick ? FirstTick : Tick));
            default:
                return Failed(ks, conditions, verdict.Message);
        }
    }

    /// <summary>A round that could not ask the API server: looked at again on the next tick until the timeout; a
    /// refusal (the ServiceAccount lost its rights) will not change its mind by itself and fails at once.</summary>
    public HealthStep Unreachable(Kustomization ks, ConditionSet conditions, Exception error, DateTimeOffset waitStarted, string revision)
    {
        var refused = error is KubeApiException { Status: HttpStatusCode.Forbidden or HttpStatusCode.Unauthorized };
        if (!refused && time.GetUtcNow() - waitStarted < ks.Spec.GetTimeout())
            return new HealthStep([], Requeue.HealthCheckIn(Tick));
        return Failed(ks, conditions,
            $"health check failed for revision {revision}: " + (error is KubeApiException api ? api.ApiMessage : error.Message));
    }

    private static HealthStep Failed(Kustomization ks, ConditionSet conditions, string message)
    {
        conditions.MarkFalse(ConditionTypes.Healthy, ConditionReasons.HealthCheckFailed, message);
        conditions.MarkReconciling(ConditionReasons.ProgressingWithRetry, message);
        conditions.MarkFalse(ConditionTypes.Ready, ConditionReasons.HealthCheckFailed, message);
        return new HealthStep([new ReconcileEvent(ReconcileEvent.Warning, ConditionReasons.HealthCheckFailed, message)],
            Requeue.AfterRetryInterval(ks.Spec.GetRetryInterval()));
    }
}
