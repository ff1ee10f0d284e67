using System.Text.Json.Nodes;

namespace Tide.Engine.Canaries;

/// <summary>The analysis proper: checks, then one move of the canary's strategy (progressive weights, blue/green
/// or A/B iterations), promotion and rollback; each step records Flagger's events.</summary>
public sealed partial class CanaryReconciler
{
    private const int TotalWeight = 100;

    private async Task AnalyseAsync(CanaryRun run, ITrafficRouter router, string provider, WorkloadTarget workload, JsonObject target,
        int primaryWeight, int canaryWeight, CancellationToken ct)
    {
        if (canaryWeight == 0 && run.Iterations == 0)
        {
            run.Info($"Starting canary analysis for {run.TargetName}.{run.Namespace}");
            if (!await _hooks.PreRolloutAsync(run, ct))
            {
                run.SetFailedChecks(run.FailedChecks + 1);
                return;
            }
        }
        else if (!await _hooks.RolloutAsync(run, ct) || !await _metrics.RunAsync(run, provider, ct))
        {
            run.SetFailedChecks(run.FailedChecks + 1);
            return;
        }

        var iterations = run.Analysis.Iterations ?? 0;
        var match = run.Analysis.Match is { Count: > 0 };
        if (provider == CanaryProviders.Kubernetes)
        {
            if (match)
            {
                run.Warn("A/B testing is not supported when using the kubernetes provider");
                match = false;
            }
            if (iterations < 1)
            {
                run.Warn("Progressive traffic is not supported when using the kubernetes provider");
                run.Warn("Setting canaryAnalysis.iterations: 10");
                iterations = 10;
            }
        }
        if (iterations > 0)
        {
            await RunIterationsAsync(run, router, provider, workload, target, iterations, abTesting: match, ct);
            return;
        }
        if (NextStepWeight(run, canaryWeight) <= 0)
            return;
        if (run.Phase is not (CanaryPhase.Promoting or CanaryPhase.WaitingPromotion or CanaryPhase.Finalising) &&
            !await _hooks.ConfirmTrafficIncreaseAsync(run, ct))
            return;
        await RunCanaryAsync(run, router, workload, target, primaryWeight, canaryWeight, ct);
    }

    /// <summary>Progressive traffic: one step of weight towards maxWeight, then promotion.</summary>
    private async Task RunCanaryAsync(CanaryRun run, ITrafficRouter router, WorkloadTarget workload, JsonObject target, int primaryWeight,
        int canaryWeight, CancellationToken ct)
    {
        if (canaryWeight < MaxWeight(run))
        {
            var step = NextStepWeight(run, canaryWeight);
            primaryWeight = Math.Max(0, primaryWeight - step);
            canaryWeight = Math.Min(TotalWeight, canaryWeight + step);
            await router.SetRoutesAsync(run, primaryWeight, canaryWeight, ct);
            run.SetWeight(canaryWeight);
            run.Info($"Advance {run.Name}.{run.Namespace} canary weight {canaryWeight}");
            return;
        }
        if (!await _hooks.ConfirmPromotionAsync(run, ct))
            return;
        await PromoteAsync(run, workload, target, ct);
    }

    /// <summary>Blue/green (and A/B testing, which routes the matched requests to the canary): iterations of checks,
    /// then promotion.</summary>
    private async Task RunIterationsAsync(CanaryRun run, ITrafficRouter router, string provider, WorkloadTarget workload, JsonObject target,
        int iterations, bool abTesting, CancellationToken ct)
    {
        if (iterations > run.Iterations)
        {
            if (abTesting)
                await router.SetRoutesAsync(run, 0, TotalWeight, ct);
            run.Info($"Advance {run.Name}.{run.Namespace} canary iteration {run.Iterations + 1}/{iterations}");
            run.SetIterations(run.Iterations + 1);
            return;
        }
        if (!await _hooks.ConfirmPromotionAsync(run, ct))
            return;
        // Blue/green routes all traffic to the canary for one more interval before the primary takes the new spec.
        if (!abTesting && iterations == run.Iterations)
        {
            if (provider != CanaryProviders.Kubernetes)
            {
                run.Info("Routing all traffic to canary");
                await router.SetRoutesAsync(run, 0, TotalWeight, ct);
            }
            run.SetIterations(run.Iterations + 1);
            return;
        }
        await PromoteAsync(run, workload, target, ct);
    }

    private static async Task PromoteAsync(CanaryRun run, WorkloadTarget workload, JsonObject target, CancellationToken ct)
    {
        run.Info($"Copying {run.TargetName}.{run.Namespace} template spec to {run.TargetName}-primary.{run.Namespace}");
        await workload.PromoteAsync(run.Object, target, run.Canary.Spec.AutoscalerRef is not null, ct);
        run.SetPhase(CanaryPhase.Promoting);
    }

    /// <summary>Promoting: traffic back to the primary (all at once, or by stepWeightPromotion), then Finalising.</summary>
    private static async Task ShiftTrafficToPrimaryAsync(CanaryRun run, ITrafficRouter router, string provider,
        int primaryWeight, int canaryWeight, CancellationToken ct)
    {
        if (provider == CanaryProviders.Kubernetes)
        {
            run.SetPhase(CanaryPhase.Finalising);
            return;
        }
        var step = run.Analysis.StepWeightPromotion ?? 0;
        if (step == 0)
        {
            run.Info("Routing all traffic to primary");
            await router.SetRoutesAsync(run, TotalWeight, 0, ct);
            run.SetPhase(CanaryPhase.Finalising);
            return;
        }
        if (canaryWeight <= 0)
            return;
        primaryWeight = Math.Min(TotalWeight, primaryWeight + step);
        canaryWeight = Math.Max(0, canaryWeight - step);
        await router.SetRoutesAsync(run, primaryWeight, canaryWeight, ct);
        run.Info($"Advance {run.Name}.{run.Namespace} primary weight {primaryWeight}");
        if (primaryWeight == TotalWeight)
            run.SetPhase(CanaryPhase.Finalising);
        else
            run.SetWeight(canaryWeight);
    }

    /// <summary>Finalising: the canary goes back to zero, the promotion is done.</summary>
    private async Task FinishPromotionAsync(CanaryRun run, WorkloadTarget workload, JsonObject target, CancellationToken ct)
    {
        await workload.ScaleToZeroAsync(target, ct);
        run.SetPhase(CanaryPhase.Succeeded);
        await _hooks.PostRolloutAsync(run, CanaryPhase.Succeeded, ct);
        run.Info($"Promotion completed! Scaling down {run.TargetName}.{run.Namespace}");
        run.Alert("Canary analysis completed successfully, promotion finished.", false, "info");
    }

    /// <summary>skipAnalysis: the new revision goes straight to the primary.</summary>
    private async Task PromoteWithoutAnalysisAsync(CanaryRun run, ITrafficRouter router, WorkloadTarget workload,
        JsonObject target, CancellationToken ct)
    {
        await router.SetRoutesAsync(run, TotalWeight, 0, ct);
        run.Info($"Copying {run.TargetName}.{run.Namespace} template spec to {run.TargetName}-primary.{run.Namespace}");
        await workload.PromoteAsync(run.Object, target, run.Canary.Spec.AutoscalerRef is not null, ct);
        if (run.Canary.Spec.AutoscalerRef is not null)
            await _hpa.ReconcilePrimaryAsync(run, update: true, ct);
        await workload.ScaleToZeroAsync(target, ct);
        run.SetPhase(CanaryPhase.Succeeded);
        await _hooks.PostRolloutAsync(run, CanaryPhase.Succeeded, ct);
        run.Info($"Promotion completed! Canary analysis was skipped for {run.TargetName}.{run.Namespace}");
        run.Alert("Canary analysis was skipped, promotion finished.", false, "info");
    }

    /// <summary>All traffic to the primary, the canary to zero, phase Failed.</summary>
    private async Task RollbackAsync(CanaryRun run, ITrafficRouter router, WorkloadTarget workload, JsonObject target,
        string hash, IReadOnlyDictionary<string, string> configs, CancellationToken ct)
    {
        if (run.FailedChecks >= run.Threshold)
        {
            run.Warn($"Rolling back {run.Name}.{run.Namespace} failed checks threshold reached {run.FailedChecks}");
            run.Alert($"Failed checks threshold reached {run.FailedChecks}", false, "error");
        }
        await router.SetRoutesAsync(run, TotalWeight, 0, ct);
        run.Warn($"Canary failed! Scaling down {run.Name}.{run.Namespace}");
        await workload.ScaleToZeroAsync(target, ct);
        run.Sync(CanaryPhase.Failed, hash, configs);
        await _hooks.PostRolloutAsync(run, CanaryPhase.Failed, ct);
    }

    /// <summary>The primary broke while promoted: traffic stays on the canary, the only healthy copy.</summary>
    private async Task FailPromotionAsync(CanaryRun run, ITrafficRouter router, string hash,
        IReadOnlyDictionary<string, string> configs, string reason, CancellationToken ct)
    {
        run.Warn($"Promotion of {run.TargetName}.{run.Namespace} failed, primary not ready: {reason}");
        run.Alert($"Promotion failed, primary not ready: {reason}", false, "error");
        await router.SetRoutesAsync(run, 0, TotalWeight, ct);
        run.Sync(CanaryPhase.Failed, hash, configs, canaryWeight: TotalWeight);
        await _hooks.PostRolloutAsync(run, CanaryPhase.Failed, ct);
    }

    private static int MaxWeight(CanaryRun run) =>
        run.Analysis.StepWeights is { Count: > 0 } steps ? Math.Min(TotalWeight, steps[^1])
        : run.Analysis.MaxWeight is > 0 and var max ? max
        : TotalWeight;

    /// <summary>Flagger's nextStepWeight: stepWeight, or the distance to the next of stepWeights.</summary>
    private static int NextStepWeight(CanaryRun run, int canaryWeight)
    {
        var steps = run.Analysis.StepWeights ?? [];
        if (run.Analysis.StepWeight is > 0 || steps.Count == 0)
            return run.Analysis.StepWeight ?? 0;
        var maxStep = TotalWeight - canaryWeight;
        if (maxStep == 0)
            return 1;
        if (canaryWeight == 0)
            return Math.Min(maxStep, steps[0]);
        for (var i = 0; i < steps.Count - 1; i++)
            if (steps[i] == canaryWeight)
                return Math.Min(maxStep, steps[i + 1] - canaryWeight);
        return maxStep;
    }
}
