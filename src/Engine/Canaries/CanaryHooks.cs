using Tide.Engine.Api;

namespace Tide.Engine.Canaries;

/// <summary>Runs a Canary's webhooks of one type at their stage, recording Flagger's events for each answer.</summary>
public sealed class CanaryHooks(CanaryWebhookCaller caller)
{
    public const string Rollout = "rollout";
    public const string PreRollout = "pre-rollout";
    public const string PostRollout = "post-rollout";
    public const string ConfirmRollout = "confirm-rollout";
    public const string ConfirmPromotion = "confirm-promotion";
    public const string ConfirmTrafficIncrease = "confirm-traffic-increase";
    public const string Rollback = "rollback";
    public const string Event = "event";

    /// <summary>confirm-rollout: a "no" parks the canary in Waiting until the hook says yes.</summary>
    public async Task<bool> ConfirmRolloutAsync(CanaryRun run, CancellationToken ct)
    {
        foreach (var hook in Of(run, ConfirmRollout))
        {
            if (await caller.CallAsync(run.Current, run.Phase, hook, ct) is null)
            {
                run.Info($"Confirm-rollout check {hook.Name} passed");
                continue;
            }
            if (run.Phase != CanaryPhase.Waiting)
            {
                run.SetPhase(CanaryPhase.Waiting);
                run.Warn($"Halt {run.Name}.{run.Namespace} advancement waiting for approval {hook.Name}");
                if (hook.MuteAlert != true)
                    run.Alert("Canary is waiting for approval.", false, "warn");
            }
            return false;
        }
        return true;
    }

    /// <summary>confirm-promotion: a "no" parks the canary in WaitingPromotion, analysis still running.</summary>
    public async Task<bool> ConfirmPromotionAsync(CanaryRun run, CancellationToken ct)
    {
        foreach (var hook in Of(run, ConfirmPromotion))
        {
            if (await caller.CallAsync(run.Current, CanaryPhase.Progressing, hook, ct) is null)
            {
                run.Info($"Confirm-promotion check {hook.Name} passed");
                continue;
            }
            if (run.Phase != CanaryPhase.WaitingPromotion)
            {
                run.SetPhase(CanaryPhase.WaitingPromotion);
                run.Warn($"Halt {run.Name}.{run.Namespace} advancement waiting for promotion approval {hook.Name}");
                if (hook.MuteAlert != true)
                    run.Alert("Canary promotion is waiting for approval.", false, "warn");
            }
            else
            {
                run.SetIterations((run.Analysis.Iterations ?? 0) - 1);
            }
            return false;
        }
        return true;
    }

    public async Task<bool> ConfirmTrafficIncreaseAsync(CanaryRun run, CancellationToken ct)
    {
        foreach (var hook in Of(run, ConfirmTrafficIncrease))
        {
            if (await caller.CallAsync(run.Current, CanaryPhase.Progressing, hook, ct) is null)
            {
                run.Info($"Confirm-traffic-increase check {hook.Name} passed");
                continue;
            }
            run.Warn($"Halt {run.Name}.{run.Namespace} advancement waiting for traffic increase approval {hook.Name}");
            if (hook.MuteAlert != true)
                run.Alert("Canary traffic increase is waiting for approval.", false, "warn");
            return false;
        }
        return true;
    }

    public async Task<bool> PreRolloutAsync(CanaryRun run, CancellationToken ct)
    {
        foreach (var hook in Of(run, PreRollout))
        {
            if (await caller.CallAsync(run.Current, CanaryPhase.Progressing, hook, ct) is { } failure)
            {
                run.Warn($"Halt {run.Name}.{run.Namespace} advancement pre-rollout check {hook.Name} failed {failure}");
                return false;
            }
            run.Info($"Pre-rollout check {hook.Name} passed");
        }
        return true;
    }

    /// <summary>rollout hooks (the default type): checks run every interval with the metrics.</summary>
    public async Task<bool> RolloutAsync(CanaryRun run, CancellationToken ct)
    {
        foreach (var hook in run.Analysis.Webhooks ?? [])
        {
            if (hook.Type is { Length: > 0 } and not Rollout)
                continue;
            if (await caller.CallAsync(run.Current, CanaryPhase.Progressing, hook, ct) is { } failure)
            {
                run.Warn($"Halt {run.Name}.{run.Namespace} advancement external check {hook.Name} failed {failure}");
                return false;
            }
        }
        return true;
    }

    public async Task PostRolloutAsync(CanaryRun run, string phase, CancellationToken ct)
    {
        foreach (var hook in Of(run, PostRollout))
        {
            if (await caller.CallAsync(run.Current, phase, hook, ct) is { } failure)
            {
                run.Warn($"Post-rollout hook {hook.Name} failed {failure}");
                return;
            }
            run.Info($"Post-rollout check {hook.Name} passed");
        }
    }

    /// <summary>rollback hooks: a "yes" (2xx) asks for a rollback now.</summary>
    public async Task<bool> RollbackAsync(CanaryRun run, CancellationToken ct)
    {
        foreach (var hook in Of(run, Rollback))
        {
            if (await caller.CallAsync(run.Current, run.Phase, hook, ct) is null)
            {
                run.Warn($"Rollback check {hook.Name} passed");
                return true;
            }
            run.Info($"Rollback hook {hook.Name} not signaling a rollback");
        }
        return false;
    }

    /// <summary>Sends each event of the step to the event hooks; a hook that fails loses the event (as in Flagger).</summary>
    public async Task SendEventsAsync(CanaryRun run, CancellationToken ct)
    {
        var hooks = Of(run, Event).ToList();
        if (hooks.Count == 0)
            return;
        var canary = run.Current;
        foreach (var e in run.Events)
            foreach (var hook in hooks)
                await caller.CallEventAsync(canary, run.Phase, hook, e.Message, e.Type, ct);
    }

    private static IEnumerable<CanaryWebhook> Of(CanaryRun run, string type) =>
        (run.Analysis.Webhooks ?? []).Where(h => h.Type == type);
}
