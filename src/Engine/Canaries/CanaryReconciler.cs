using System.Text.Json;
using System.Text.Json.Nodes;
using Tide.Engine.Api;
using Tide.Engine.Kube;
using Tide.Engine.Reconcilers;

namespace Tide.Engine.Canaries;

/// <summary>
/// One step of a Canary, as Flagger's advanceCanary runs every analysis interval: initialize (services, primary,
/// target scaled to zero, routes), detect a new revision of the target, then advance the analysis one step (weights,
/// iterations, promotion, rollback). Everything it needs is in the cluster (the Canary's status, the router's
/// weights), so a step on another node continues where the last one stopped.
/// </summary>
public sealed partial class CanaryReconciler
{
    private readonly IReadOnlyDictionary<string, WorkloadTarget> _workloads;
    private readonly ServiceRouter _services;
    private readonly GatewayApiRouter _gateway;
    private readonly HpaScaler _hpa;
    private readonly CanaryMetricChecks _metrics;
    private readonly CanaryHooks _hooks;
    private readonly CanaryReconcilerOptions _options;
    private readonly TimeProvider _time;
    private readonly KubeClient _kube;

    public CanaryReconciler(KubeClient kube, HttpClient http, CanaryReconcilerOptions options, TimeProvider time)
    {
        var configs = new ConfigTracker(kube, options.FieldManager);
        _workloads = new Dictionary<string, WorkloadTarget>
        {
            ["Deployment"] = new DeploymentTarget(kube, configs, options.FieldManager),
            ["DaemonSet"] = new DaemonSetTarget(kube, configs, options.FieldManager),
        };
        _services = new ServiceRouter(kube, options.FieldManager);
        _gateway = new GatewayApiRouter(kube, options.FieldManager);
        _hpa = new HpaScaler(kube, options.FieldManager);
        _metrics = new CanaryMetricChecks(kube, http, options);
        _hooks = new CanaryHooks(new CanaryWebhookCaller(http, time));
        _options = options;
        _time = time;
        _kube = kube;
    }

    /// <summary>The time between two steps: spec.analysis.interval, 60s when unset or unreadable, never less than
    /// the configured minimum.</summary>
    public TimeSpan Interval(Canary canary)
    {
        var text = (canary.Spec.Analysis ?? canary.Spec.CanaryAnalysis)?.Interval;
        var interval = GoDuration.TryParse(text, out var parsed) ? parsed.Value : TimeSpan.FromSeconds(60);
        return interval < _options.MinAnalysisInterval ? _options.MinAnalysisInterval : interval;
    }

    public async Task<CanaryOutcome> ReconcileAsync(JsonObject obj, CancellationToken ct)
    {
        Canary canary;
        try
        {
            canary = FluxJson.FromNode<Canary>(obj);
        }
        catch (JsonException e)
        {
            return Invalid(obj, e.Message);
        }
        var run = new CanaryRun(obj, canary, _time);
        Exception? unexpected = null;
        try
        {
            // revertOnDeletion holds the Canary with Flagger's finalizer until the target is reverted.
            if ((canary.Spec.RevertOnDeletion == true) != HasFinalizer(obj))
                await SetFinalizerAsync(obj, canary.Spec.RevertOnDeletion == true, ct);
            var provider = canary.Spec.Provider is { Length: > 0 } p ? p : _options.DefaultProvider;
            if (!CanaryProviders.IsSupported(provider))
                throw new CanaryFailure($"provider '{provider}' is not supported by Tide; supported providers: " +
                    $"{CanaryProviders.Kubernetes}, {CanaryProviders.GatewayApi}", CanaryFailure.UnsupportedProvider, stalled: true);
            if (!_workloads.TryGetValue(run.TargetKind, out var workload))
                throw new CanaryFailure($"targetRef kind '{run.TargetKind}' is not supported by Tide; supported kinds: " +
                    string.Join(", ", _workloads.Keys), CanaryFailure.UnsupportedTarget, stalled: true);
            if (canary.Spec.AutoscalerRef is { } autoscaler && (autoscaler.Kind ?? HpaScaler.Kind) != HpaScaler.Kind)
                throw new CanaryFailure($"autoscalerRef kind '{autoscaler.Kind}' is not supported by Tide; supported kinds: " +
                    HpaScaler.Kind, CanaryFailure.UnsupportedTarget, stalled: true);
            await AdvanceAsync(run, provider, workload, ct);
        }
        catch (CanaryFailure failure)
        {
            run.Warn(failure.Message);
            run.Failure = failure;
        }
        catch (KubeApiException e)
        {
            run.Warn(e.Message);
            run.Failure = new CanaryFailure(e.Message);
        }
        catch (Exception e) when (e is not OutOfMemoryException && !(e is OperationCanceledException && ct.IsCancellationRequested))
        {
            // Whatever else went wrong still reaches the status (Ready=False), as every step's does; the entity logs
            // the exception once, and the next interval tries again.
            run.Warn(e.Message);
            run.Failure = new CanaryFailure(e.Message);
            unexpected = e;
        }
        await _hooks.SendEventsAsync(run, ct);
        return new CanaryOutcome(run.ToStatus(), run.Events, run.Alerts,
            run.Failure is { Stalled: true } ? null : Interval(canary)) { Error = unexpected };
    }

    /// <summary>
    /// A Canary with revertOnDeletion being deleted, as Flagger's finalize: phase Terminating, the target scaled back to
    /// the primary's replicas, an apex Service Tide did not create pointed back at the target's pods. Returns null when
    /// nothing holds the Canary; otherwise the status to write, with RequeueAfter set while the target is not ready
    /// yet (then look again), null once the finalizer can go (<see cref="ReleaseAsync"/>).
    /// </summary>
    public async Task<CanaryOutcome?> FinalizeAsync(JsonObject obj, CancellationToken ct)
    {
        if (!HasFinalizer(obj))
            return null;
        Canary canary;
        try
        {
            canary = FluxJson.FromNode<Canary>(obj);
        }
        catch (JsonException e)
        {
            // Nothing can be reverted from a spec that does not read: let it go.
            return Invalid(obj, e.Message);
        }
        var run = new CanaryRun(obj, canary, _time);
        if (run.Phase != CanaryPhase.Terminating)
        {
            run.SetPhase(CanaryPhase.Terminating);
            run.Info($"Terminating canary {run.Name}.{run.Namespace}");
        }
        if (_workloads.TryGetValue(run.TargetKind, out var workload) &&
            await workload.GetAsync(run.Namespace, run.TargetName, ct) is { } target)
        {
            await workload.RestoreAsync(target, await workload.GetAsync(run.Namespace, run.TargetName + "-primary", ct), ct);
            target = await workload.GetRequiredAsync(run.Namespace, run.TargetName, ct);
            if (workload.NotReady(target, canary.Spec.ProgressDeadlineSeconds ?? 600, 100, run.LastTransitionTime ?? _time.GetUtcNow(),
                    _time.GetUtcNow(), out var retriable) is { } notReady && retriable)
            {
                run.Warn($"canary {run.TargetKind.ToLowerInvariant()} {run.TargetName}.{run.Namespace} not ready: {notReady}");
                return new CanaryOutcome(run.ToStatus(), run.Events, [], TimeSpan.FromSeconds(3));
            }
            var (label, value) = workload.SelectorLabel(target);
            await _services.RevertApexAsync(run, label, value, ct);
        }
        run.SetPhase(CanaryPhase.Terminated);
        run.Info($"Terminated canary {run.Name}.{run.Namespace}");
        return new CanaryOutcome(run.ToStatus(), run.Events, [], null);
    }

    /// <summary>Removes Flagger's finalizer: the API server then deletes the Canary, and what it owns with it.</summary>
    public Task ReleaseAsync(JsonObject obj, CancellationToken ct) => SetFinalizerAsync(obj, false, ct);

    private const string Finalizer = "finalizer.flagger.app";

    private static bool HasFinalizer(JsonObject obj) =>
        (obj["metadata"]?["finalizers"] as JsonArray ?? []).Any(f => (string?)f == Finalizer);

    private async Task SetFinalizerAsync(JsonObject obj, bool present, CancellationToken ct)
    {
        var finalizers = (obj["metadata"]?["finalizers"] as JsonArray ?? []).Select(f => (string?)f)
            .Where(f => f is not null && f != Finalizer).Select(f => (JsonNode)f!).ToList();
        if (present)
            finalizers.Add(Finalizer);
        var patch = new JsonObject
        {
            ["metadata"] = new JsonObject
            {
                ["finalizers"] = new JsonArray([.. finalizers]),
                ["resourceVersion"] = (string?)obj["metadata"]?["resourceVersion"],
            },
        };
        var patched = await _kube.PatchAsync(ObjectRef.Of(obj), patch, ct);
        obj["metadata"] = patched["metadata"]?.DeepClone();
    }

    /// <summary>A Canary that does not even read (a field of the wrong type, a required one missing): Stalled.</summary>
    private CanaryOutcome Invalid(JsonObject obj, string error)
    {
        var message = $"invalid Canary: {error}";
        var status = obj["status"] is JsonObject existing ? FluxJson.FromNode<CanaryStatus>(existing) : new CanaryStatus();
        var now = _time.GetUtcNow();
        var conditions = (status.Conditions ?? []).Where(c => c.Type is not (ConditionTypes.Ready or ConditionTypes.Stalled)).ToList();
        conditions.Add(new CanaryCondition { Type = ConditionTypes.Ready, Status = ConditionStatus.False, Reason = CanaryFailure.InvalidSpec, Message = message, LastTransitionTime = now });
        conditions.Add(new CanaryCondition { Type = ConditionTypes.Stalled, Status = ConditionStatus.True, Reason = CanaryFailure.InvalidSpec, Message = message, LastTransitionTime = now });
        return new CanaryOutcome(status with { Conditions = conditions },
            [new ReconcileEvent(ReconcileEvent.Warning, CanaryRun.EventReason, message)], [], null);
    }

    private async Task AdvanceAsync(CanaryRun run, string provider, WorkloadTarget workload, CancellationToken ct)
    {
        var ns = run.Namespace;
        var target = await workload.GetRequiredAsync(ns, run.TargetName, ct);
        var (label, labelValue) = workload.SelectorLabel(target);
        var ports = run.Canary.Spec.Service.PortDiscovery == true
            ? ServiceRouter.DiscoverPorts(run, target)
            : new Dictionary<string, int>();
        if (run.Phase.Length == 0)
            run.StartInitializing();
        await _services.InitializeAsync(run, label, labelValue, ports, ct);
        var initializing = run.Phase == CanaryPhase.Initializing;
        if (!run.SkipAnalysis && initializing)
            await CheckMetricProvidersAsync(run, ct);

        var primary = await workload.EnsurePrimaryAsync(run.Object, target, ct);
        if (run.Canary.Spec.AutoscalerRef is not null)
            await _hpa.ReconcilePrimaryAsync(run, update: false, ct);
        if (initializing && !run.SkipAnalysis &&
            PrimaryNotReady(run, workload, primary, out var retriable) is { } notReady)
        {
            if (!retriable)
                throw new CanaryFailure(notReady, retriable: false);
            run.Warn(notReady);
            return;
        }
        await _services.ReconcileApexAsync(run, label, labelValue, ports, ct);
        if (initializing)
            await workload.ScaleToZeroAsync(target, ct);
        var router = Router(provider);
        await router.ReconcileAsync(run, ct);

        var hash = workload.TemplateHash(target);
        var configs = (await workload.ConfigsAsync(ns, target, ct)).Values.ToDictionary(c => c.Key, c => c.Checksum);
        if (initializing)
        {
            run.Sync(CanaryPhase.Initialized, hash, configs);
            run.Info($"Initialization done! {run.Name}.{ns}");
            run.Alert($"New {run.TargetKind} detected, initialization completed.", true, "info");
        }
        if (!ShouldAdvance(run, hash, configs))
            return;

        primary = await workload.GetRequiredAsync(ns, run.TargetName + "-primary", ct);
        if (!run.SkipAnalysis && PrimaryNotReady(run, workload, primary, out var primaryRetriable) is { } primaryNotReady)
        {
            run.Warn(primaryNotReady);
            if (!primaryRetriable)
            {
                // During promotion the canary is the only healthy copy: keep traffic on it rather than roll back.
                if (run.Phase is CanaryPhase.Promoting or CanaryPhase.Finalising)
                    await FailPromotionAsync(run, router, hash, configs, primaryNotReady, ct);
                else
                    await RollbackAsync(run, router, workload, target, hash, configs, ct);
            }
            return;
        }

        var (primaryWeight, canaryWeight) = await router.GetRoutesAsync(run, ct);
        if (!await StartIfNewAsync(run, workload, target, hash, configs, ct))
            return;
        if (run.Phase is CanaryPhase.Progressing or CanaryPhase.WaitingPromotion && IsNewRevision(run, hash, configs))
        {
            run.Info($"New revision detected! Restarting analysis for {run.TargetName}.{ns}");
            await router.SetRoutesAsync(run, 100, 0, ct);
            run.Sync(CanaryPhase.Progressing, hash, configs);
            return;
        }
        if (workload.NotReady(target, run.Canary.Spec.ProgressDeadlineSeconds ?? 600, run.Analysis.CanaryReadyThreshold ?? 100,
                run.LastTransitionTime ?? _time.GetUtcNow(), _time.GetUtcNow(), out var canaryRetriable) is { } canaryNotReady)
        {
            run.Warn($"canary {run.TargetKind.ToLowerInvariant()} {run.TargetName}.{ns} not ready: {canaryNotReady}");
            if (!canaryRetriable)
                await RollbackAsync(run, router, workload, target, hash, configs, ct);
            return;
        }
        if (run.SkipAnalysis)
        {
            await PromoteWithoutAnalysisAsync(run, router, workload, target, ct);
            return;
        }
        if (run.Phase is CanaryPhase.Progressing or CanaryPhase.Waiting or CanaryPhase.WaitingPromotion &&
            await _hooks.RollbackAsync(run, ct))
        {
            run.Warn($"Rolling back {run.Name}.{ns} manual webhook invoked");
            run.Alert("Rolling back manual webhook invoked", false, "warn");
            await RollbackAsync(run, router, workload, target, hash, configs, ct);
            return;
        }
        if (run.Phase == CanaryPhase.Promoting)
        {
            if (run.Canary.Spec.AutoscalerRef is not null)
                await _hpa.ReconcilePrimaryAsync(run, update: true, ct);
            await ShiftTrafficToPrimaryAsync(run, router, provider, primaryWeight, canaryWeight, ct);
            return;
        }
        if (run.Phase == CanaryPhase.Finalising)
        {
            await FinishPromotionAsync(run, workload, target, ct);
            return;
        }
        if (run.Phase is CanaryPhase.Progressing or CanaryPhase.WaitingPromotion && run.FailedChecks >= run.Threshold)
        {
            await RollbackAsync(run, router, workload, target, hash, configs, ct);
            return;
        }
        await AnalyseAsync(run, router, provider, workload, target, primaryWeight, canaryWeight, ct);
    }

    private async Task CheckMetricProvidersAsync(CanaryRun run, CancellationToken ct)
    {
        try
        {
            await _metrics.CheckProvidersAsync(run, ct);
            run.Info("all the metrics providers are available!");
        }
        catch (MetricQueryException e)
        {
            run.Warn($"Error checking metric providers: {e.Message}");
        }
    }

    /// <summary>Flagger's shouldAdvance: an analysis under way goes on; otherwise only a new revision starts one.</summary>
    private static bool ShouldAdvance(CanaryRun run, string hash, IReadOnlyDictionary<string, string> configs)
    {
        if (CanaryPhase.IsUnderWay(run.Phase))
            return true;
        var changed = IsNewRevision(run, hash, configs);
        if (run.Phase == CanaryPhase.Failed)
            run.SyncRevision(hash, configs);
        return changed;
    }

    /// <summary>Whether the target's template differs from the last applied one (but is not the promoted one: a
    /// manual rollback to the primary's spec starts nothing), or its configs changed.</summary>
    private static bool IsNewRevision(CanaryRun run, string hash, IReadOnlyDictionary<string, string> configs)
    {
        var specChanged = run.LastAppliedSpec is null ||
            (run.LastPromotedSpec != hash && run.LastAppliedSpec != hash);
        var tracked = run.TrackedConfigs;
        var configsChanged = tracked is null
            ? configs.Count > 0
            : tracked.Count != configs.Count || configs.Any(c => tracked.GetValueOrDefault(c.Key) != c.Value);
        return specChanged || configsChanged;
    }

    /// <summary>Flagger's checkCanaryStatus: a new revision (once confirm-rollout hooks agree) scales the target up
    /// and enters Progressing; the step ends there. Returns whether the step goes on.</summary>
    private async Task<bool> StartIfNewAsync(CanaryRun run, WorkloadTarget workload, JsonObject target, string hash,
        IReadOnlyDictionary<string, string> configs, CancellationToken ct)
    {
        if (run.Phase is CanaryPhase.Progressing or CanaryPhase.WaitingPromotion or CanaryPhase.Promoting or CanaryPhase.Finalising)
            return true;
        if (!await _hooks.ConfirmRolloutAsync(run, ct))
            return false;
        run.Info($"New revision detected! Scaling up {run.TargetName}.{run.Namespace}");
        run.Alert("New revision detected, progressing canary analysis.", true, "info");
        await workload.ScaleFromZeroAsync(target,
            run.Canary.Spec.AutoscalerRef is null ? null : await _hpa.MinReplicasAsync(run, ct), ct);
        run.Sync(CanaryPhase.Progressing, hash, configs);
        return false;
    }

    private string? PrimaryNotReady(CanaryRun run, WorkloadTarget workload, JsonObject primary, out bool retriable)
    {
        var name = $"{run.TargetName}-primary.{run.Namespace}";
        return workload.NotReady(primary, run.Canary.Spec.ProgressDeadlineSeconds ?? 600, run.Analysis.PrimaryReadyThreshold ?? 100,
            run.LastTransitionTime ?? _time.GetUtcNow(), _time.GetUtcNow(), out retriable) is { } reason
            ? $"{name} not ready: {reason}"
            : null;
    }

    private ITrafficRouter Router(string provider) =>
        provider == CanaryProviders.Kubernetes ? KubernetesRouter.Instance : _gateway;
}
