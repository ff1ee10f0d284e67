using System.Text.Json.Nodes;
using Tide.Engine.Api;
using Tide.Engine.Apply;
using Tide.Engine.Artifacts;
using Tide.Engine.Health;
using Tide.Engine.Helm.Charts;
using Tide.Engine.Helm.Yaml;
using Tide.Engine.Kube;
using Tide.Engine.Reconcilers;

namespace Tide.Engine.HelmReleases;

/// <summary>
/// Reconciles a HelmRelease as helm-controller does, with releases stored in Helm's own format: get the chart (the
/// owned HelmChart of spec.chart, or spec.chartRef), compose the values, then install, upgrade or leave the release
/// as it is; objects are applied by server-side apply; readiness is awaited on scheduled ticks
/// (<see cref="CheckHealthAsync"/>), after which post hooks and tests run and the release is marked deployed, or
/// failed and remediated (rollback or uninstall) within spec.*.remediation.retries.
/// </summary>
public sealed partial class HelmReleaseReconciler(KubeClient kube, ArtifactCache artifacts, HelmReleaseReconcilerOptions options)
{
    public const string Finalizer = "finalizers.fluxcd.io";
    public const string NameLabel = "helm.toolkit.fluxcd.io/name";
    public const string NamespaceLabel = "helm.toolkit.fluxcd.io/namespace";
    public const string ForceAtAnnotation = "reconcile.fluxcd.io/forceAt";
    public const string ResetAtAnnotation = "reconcile.fluxcd.io/resetAt";

    private TimeProvider Time => options.Time;

    public async Task<ReconcileResult<HelmReleaseStatus>> ReconcileAsync(HelmRelease hr, ArtifactLocation? chartArtifact, CancellationToken ct)
    {
        hr = await FreshAsync(hr, ct);
        var previous = hr.Status ?? new HelmReleaseStatus();
        var conditions = new ConditionSet(previous.Conditions, hr.Metadata.Generation ?? 0, Time);
        var status = previous with
        {
            LastHandledReconcileAt = Annotation(hr, "reconcile.fluxcd.io/requestedAt") ?? previous.LastHandledReconcileAt,
            LastAttemptedGeneration = hr.Metadata.Generation,
        };
        var events = new List<ReconcileEvent>();
        ArtifactLocation? input = chartArtifact;
        try
        {
            await EnsureFinalizerAsync(hr, ct);
            foreach (var dependency in hr.Spec.DependsOn ?? [])
            {
                var kind = dependency.Kind ?? HelmRelease.KindName;
                await DependencyReadiness.RequireReadyAsync(kube, kind == HelmRelease.KindName ? HelmRelease.ApiVersionV2 : Kustomization.ApiVersionV1,
                    kind, dependency.Namespace ?? hr.Metadata.NamespaceProperty ?? "default", dependency.Name, ct);
            }
            var source = await RequireChartAsync(hr, chartArtifact, ct);
            var artifact = source.Artifact;
            input = artifact;
            status = status with { HelmChart = source.HelmChart };
            var values = await ComposeValuesAsync(hr, ct);
            var chart = await LoadChartAsync(artifact, ct);
            string? revisionDigest = null;
            if (source.TracksDigest)
                (chart.Metadata.Version, revisionDigest) = ChartDigestTracking.Apply(chart.Metadata.Version, artifact.Revision);
            using var cluster = await ReleaseCluster.OpenAsync(kube, hr, options, ct);
            var context = new ReleaseContext(hr, chart, values, artifact, ReleaseNames.Release(hr), ReleaseNames.Target(hr), cluster);
            status = status with
            {
                StorageNamespace = ReleaseNames.Storage(hr),
                LastAttemptedRevision = chart.Metadata.Version,
                LastAttemptedRevisionDigest = revisionDigest,
                LastAttemptedConfigDigest = context.ConfigDigest,
            };
            var step = await ReleaseAsync(context, status, conditions, events, ct);
            return step with { Input = input };
        }
        catch (Exception e) when (e is ReconcileFailure || (e is not OperationCanceledException && e is not OutOfMemoryException))
        {
            // Every reconcile ends in a status: an unforeseen error is a retried Ready=False naming it.
            var failure = e as ReconcileFailure ?? new ReconcileFailure(ConditionReasons.ReconciliationFailed, $"{e.GetType().Name}: {e.Message}", inner: e);
            conditions.MarkFalse(ConditionTypes.Ready, failure.Reason, failure.Message);
            if (failure.Terminal)
                conditions.MarkStalled(failure.Reason, failure.Message);
            else
                conditions.MarkReconciling(ConditionReasons.ProgressingWithRetry, failure.Message);
            events.Add(new ReconcileEvent(ReconcileEvent.Warning, failure.Reason, failure.Message));
            return new ReconcileResult<HelmReleaseStatus>(status with
            {
                ObservedGeneration = hr.Metadata.Generation,
                Failures = (previous.Failures ?? 0) + 1,
                Conditions = conditions.ToList(),
            }, events, failure.Terminal ? Requeue.OnChange : Requeue.WithBackoff(hr.Spec.Interval.Value)) { Input = input };
        }
    }

    /// <summary>The HelmRelease as the server holds it now: the status is written whole from it, so it must not be an
    /// older copy (a watch event that overtook the last write), or fields like lastHandledForceAt would go back.</summary>
    private async Task<HelmRelease> FreshAsync(HelmRelease hr, CancellationToken ct) =>
        await kube.GetAsync(Ref(hr), ct) is { } fresh ? FluxJson.FromNode<HelmRelease>(fresh) : hr;

    /// <summary>Everything one release action needs.</summary>
    private sealed record ReleaseContext(HelmRelease Hr, Chart Chart, Dictionary<string, object?> Values, ArtifactLocation Artifact,
        string Name, string Namespace, ReleaseCluster Cluster)
    {
        public ReleaseStorage Storage => Cluster.Storage;

        public string ConfigDigest { get; } = DigestOf(GoJson.Marshal(Values));

        public string ChartLabel => $"{Chart.Metadata.Name}@{Chart.Metadata.Version}";

        /// <summary>status.observedPostRenderersDigest: a change of post-renderers makes a new release.</summary>
        public string? PostRenderersDigest { get; } =
            Hr.Spec.PostRenderers is { Count: > 0 } postRenderers ? DigestOf(FluxJson.Serialize(postRenderers)) : null;
    }

    /// <summary>Install, upgrade, or nothing to do; then wait (on ticks) or finish at once.</summary>
    private async Task<ReconcileResult<HelmReleaseStatus>> ReleaseAsync(ReleaseContext context, HelmReleaseStatus status,
        ConditionSet conditions, List<ReconcileEvent> events, CancellationToken ct)
    {
        var hr = context.Hr;
        var history = await context.Storage.HistoryAsync(context.Name, ct);
        var latest = history.LastOrDefault();
        if (latest is not null && ReleaseStatus.IsPending(latest.Info.Status))
        {
            // A wait that no reconcile finishes any more (the node stopped, or the spec changed meanwhile): Flux
            // unlocks such a release by marking it failed.
            latest = latest with { Info = latest.Info with { Status = ReleaseStatus.Failed, Description = "Release was left pending; marked failed" } };
            await context.Storage.UpdateAsync(latest, ct);
            history = [.. history.SkipLast(1), latest];
        }
        var previous = hr.Status ?? new HelmReleaseStatus();
        // reconcile.fluxcd.io/resetAt: forget the failures (retries start over); forceAt: release even when in sync.
        var resetAt = Annotation(hr, ResetAtAnnotation);
        if (resetAt is not null && resetAt != previous.LastHandledResetAt)
        {
            previous = previous with { InstallFailures = null, UpgradeFailures = null, Failures = null };
            status = status with { InstallFailures = null, UpgradeFailures = null, Failures = null, LastHandledResetAt = resetAt };
        }
        var forceAt = Annotation(hr, ForceAtAnnotation);
        var forced = forceAt is not null && forceAt != previous.LastHandledForceAt;
        if (forced)
            status = status with { LastHandledForceAt = forceAt };
        var upgrade = latest is not null && latest.Info.Status != ReleaseStatus.Uninstalled;
        var failures = upgrade ? previous.UpgradeFailures ?? 0 : previous.InstallFailures ?? 0;
        var sameAsLastAttempt = previous.LastAttemptedRevision == context.Chart.Metadata.Version &&
                                previous.LastAttemptedConfigDigest == context.ConfigDigest &&
                                previous.ObservedPostRenderersDigest == context.PostRenderersDigest;
        var inSync = latest is { Info.Status: ReleaseStatus.Deployed } && latest.ChartName == context.Chart.Metadata.Name &&
                     latest.ChartVersion == context.Chart.Metadata.Version && ConfigDigestOf(latest) == context.ConfigDigest &&
                     previous.ObservedPostRenderersDigest == context.PostRenderersDigest && (failures == 0 || !sameAsLastAttempt);
        if (inSync && !forced)
            return await InSyncAsync(context, latest!, history, status, conditions, events, ct);

        var retries = upgrade ? hr.Spec.Upgrade?.Remediation?.Retries ?? 0 : hr.Spec.Install?.Remediation?.Retries ?? 0;
        if (!forced && sameAsLastAttempt && failures > 0 && retries >= 0 && failures > retries)
        {
            // Retries are exhausted for this chart, values and post-renderers; a new spec starts over, as in Flux.
            var message = $"Failed to {(upgrade ? "upgrade" : "install")} after {failures} attempt(s)";
            conditions.MarkStalled("RetriesExceeded", message);
            if (!conditions.IsFalse(ConditionTypes.Ready))
                conditions.MarkFalse(ConditionTypes.Ready, "RetriesExceeded", message);
            return Result(status with { ObservedGeneration = hr.Metadata.Generation, History = Snapshots(history, hr) }, conditions, events, Requeue.OnChange);
        }
        if (!sameAsLastAttempt)
            status = status with { InstallFailures = null, UpgradeFailures = null };
        return await ActAsync(context, history, upgrade, status, conditions, events, ct);
    }

    /// <summary>The release already is what the spec asks for: correct drift (driftDetection.mode enabled) and report.</summary>
    private async Task<ReconcileResult<HelmReleaseStatus>> InSyncAsync(ReleaseContext context, Release latest, IReadOnlyList<Release> history,
        HelmReleaseStatus status, ConditionSet conditions, List<ReconcileEvent> events, CancellationToken ct)
    {
        var hr = context.Hr;
        var mode = hr.Spec.DriftDetection?.Mode ?? DriftDetection.Disabled;
        if (mode != DriftDetection.Disabled)
        {
            var objects = await context.Cluster.MaskDriftAsync(
                await context.Cluster.PrepareAsync(ReleaseRenderer.ObjectsOf(latest.Manifest), context.Name, context.Namespace, ct),
                new DriftIgnore(hr.Spec.DriftDetection?.Ignore), ct);
            var changes = mode == DriftDetection.Enabled
                ? await context.Cluster.ApplyAsync(objects, hr, ct)
                : await context.Cluster.DiffAsync(objects, ct);
            var drifted = changes.Where(c => c.Action is not (ChangeAction.Unchanged or ChangeAction.Skipped)).ToList();
            if (drifted.Count > 0)
                events.Add(new ReconcileEvent(mode == DriftDetection.Enabled ? ReconcileEvent.Normal : ReconcileEvent.Warning,
                    HelmReleaseReasons.DriftDetected,
                    (mode == DriftDetection.Enabled ? "Cluster state of release " : "Drift detected for release ") +
                    $"{context.Namespace}/{context.Name}.v{latest.Version} " +
                    (mode == DriftDetection.Enabled ? "has been corrected: " : "differs: ") + string.Join(", ", drifted.Select(c => c.Object.ToString()))));
        }
        var message = conditions.Get(ConditionTypes.Ready) is { Status: ConditionStatus.True } ready ? ready.Message
            : $"Helm {(latest.Version == 1 ? "install" : "upgrade")} succeeded for release {context.Namespace}/{context.Name}.v{latest.Version} with chart {context.ChartLabel}";
        var reason = conditions.Get(ConditionTypes.Ready) is { Status: ConditionStatus.True } r ? r.Reason
            : latest.Version == 1 ? HelmReleaseReasons.InstallSucceeded : HelmReleaseReasons.UpgradeSucceeded;
        conditions.MarkTrue(HelmReleaseReasons.Released, reason, message);
        MarkReady(conditions, reason, message);
        return Result(status with
        {
            ObservedGeneration = hr.Metadata.Generation,
            LastReleaseRevision = latest.Version,
            History = Snapshots(history, hr),
            Inventory = Inventory(latest),
        }, conditions, events, Requeue.AfterInterval(hr.Spec.Interval.Value));
    }

    /// <summary>Install or upgrade: render, pre hooks, store the pending release, apply, remove what left the chart;
    /// then wait on ticks, or finish now with disableWait.</summary>
    private async Task<ReconcileResult<HelmReleaseStatus>> ActAsync(ReleaseContext context, IReadOnlyList<Release> history, bool upgrade,
        HelmReleaseStatus status, ConditionSet conditions, List<ReconcileEvent> events, CancellationToken ct)
    {
        var hr = context.Hr;
        var action = upgrade ? "upgrade" : "install";
        var version = (history.LastOrDefault()?.Version ?? 0) + 1;
        status = status with
        {
            LastAttemptedReleaseAction = action,
            ObservedGeneration = hr.Metadata.Generation,
            ObservedPostRenderersDigest = context.PostRenderersDigest,
        };
        var started = Time.GetUtcNow();
        Release? release = null;
        try
        {
            if (!upgrade && hr.Spec.Install?.CreateNamespace == true)
                await context.Cluster.CreateNamespaceAsync(context.Namespace, ct);
            var rendered = Render(context, version, upgrade);
            await context.Cluster.ApplyCrdsAsync(rendered.Crds, CrdPolicy.For(hr.Spec, upgrade), hr, ct);
            var now = ReleaseCodec.Time(started);
            var firstDeployed = history.FirstOrDefault(r => r.Info.Status != ReleaseStatus.Uninstalled)?.Info.FirstDeployed;
            release = new Release
            {
                Name = context.Name,
                Namespace = context.Namespace,
                Version = version,
                Chart = rendered.Chart,
                Config = ReleaseRenderer.ToJson(context.Values),
                Manifest = rendered.Manifest,
                Hooks = rendered.Hooks,
                ApplyMethod = "ssa",
                Info = new ReleaseInfo
                {
                    FirstDeployed = upgrade ? firstDeployed ?? now : now,
                    LastDeployed = now,
                    Status = upgrade ? ReleaseStatus.PendingUpgrade : ReleaseStatus.PendingInstall,
                    Description = upgrade ? "Preparing upgrade" : "Initial install underway",
                    Notes = rendered.Notes,
                },
            };
            await context.Storage.CreateAsync(release, ct);
            var disableHooks = upgrade ? hr.Spec.Upgrade?.DisableHooks == true : hr.Spec.Install?.DisableHooks == true;
            var timeout = ActionTimeout(hr, upgrade);
            if (!disableHooks)
                release = release with { Hooks = await context.Cluster.Hooks.RunAsync(release.Hooks!, upgrade ? "pre-upgrade" : "pre-install", context.Namespace, timeout, ct) };
            var objects = await context.Cluster.PrepareAsync(rendered.Objects, context.Name, context.Namespace, ct);
            await context.Cluster.ApplyAsync(objects, hr, ct);
            if (upgrade && history.LastOrDefault(r => r.Info.Status is ReleaseStatus.Deployed or ReleaseStatus.Failed) is { } before)
                await context.Cluster.DeleteRemovedAsync(before, objects, ct);
            await context.Storage.UpdateAsync(release, ct);
            var disableWait = upgrade ? hr.Spec.Upgrade?.DisableWait == true : hr.Spec.Install?.DisableWait == true;
            if (disableWait)
                return await FinishAsync(hr, context.Cluster, release, status, conditions, events, started, ct);
            var waiting = $"Helm {action} in progress for release {context.Namespace}/{context.Name}.v{version} with chart {context.ChartLabel}: waiting for resources to be ready";
            conditions.MarkReconciling(ConditionReasons.Progressing, waiting);
            conditions.MarkUnknown(ConditionTypes.Ready, ConditionReasons.Progressing, waiting);
            return Result(status with { History = Snapshots([.. history, release], hr), Inventory = Inventory(release) },
                conditions, events, Requeue.HealthCheckIn(options.HealthTick));
        }
        catch (Exception e) when (ActionError(e) is { } error)
        {
            var failed = release ?? new Release
            {
                Name = context.Name, Namespace = context.Namespace, Version = version, Chart = new JsonObject { ["metadata"] = new JsonObject { ["name"] = context.Chart.Metadata.Name, ["version"] = context.Chart.Metadata.Version } },
                Config = ReleaseRenderer.ToJson(context.Values), Info = new ReleaseInfo { Status = ReleaseStatus.Failed },
            };
            return await FailAsync(hr, context.Cluster, failed, release is not null, upgrade, error, history, status, conditions, events, ct);
        }
    }

    /// <summary>One round of waiting for the pending release's objects; finishes or fails it when they decide.</summary>
    public async Task<ReconcileResult<HelmReleaseStatus>> CheckHealthAsync(HelmRelease hr, DateTimeOffset waitStarted, CancellationToken ct)
    {
        hr = await FreshAsync(hr, ct);
        var status = hr.Status ?? new HelmReleaseStatus();
        var conditions = new ConditionSet(status.Conditions, hr.Metadata.Generation ?? 0, Time);
        var events = new List<ReconcileEvent>();
        using var cluster = await ReleaseCluster.OpenAsync(kube, hr, options, ct);
        var history = await cluster.Storage.HistoryAsync(ReleaseNames.Release(hr), ct);
        if (history.LastOrDefault() is not { } release || !ReleaseStatus.IsPending(release.Info.Status))
            return Result(status, conditions, events, Requeue.AfterInterval(hr.Spec.Interval.Value));
        var upgrade = release.Info.Status == ReleaseStatus.PendingUpgrade;
        var objects = ReleaseRenderer.ObjectsOf(release.Manifest).Select(o => WithNamespace(o, release.Namespace)).Select(ObjectRef.Of).ToList();
        var checker = new HealthChecker((target, token) => cluster.Client.GetAsync(target, token), Time, []);
        var report = await checker.CheckAsync(objects, ct);
        var verdict = report.Decide(Time.GetUtcNow() - waitStarted, ActionTimeout(hr, upgrade));
        switch (verdict.Outcome)
        {
            case HealthOutcome.Healthy:
                return await FinishAsync(hr, cluster, release, status, conditions, events, waitStarted, ct);
            case HealthOutcome.Waiting:
                return Result(status, conditions, events, Requeue.HealthCheckIn(options.HealthTick));
            default:
                return await FailAsync(hr, cluster, release, stored: true, upgrade, verdict.Message, history.SkipLast(1).ToList(), status, conditions, events, ct);
        }
    }

    /// <summary>The release's objects are ready: post hooks, deployed, the previous one superseded, tests.</summary>
    private async Task<ReconcileResult<HelmReleaseStatus>> FinishAsync(HelmRelease hr, ReleaseCluster cluster, Release release,
        HelmReleaseStatus status, ConditionSet conditions, List<ReconcileEvent> events, DateTimeOffset started, CancellationToken ct)
    {
        var upgrade = release.Info.Status == ReleaseStatus.PendingUpgrade;
        var action = upgrade ? "upgrade" : "install";
        var chartLabel = $"{release.ChartName}@{release.ChartVersion}";
        var history = await cluster.Storage.HistoryAsync(release.Name, ct);
        try
        {
            var disableHooks = upgrade ? hr.Spec.Upgrade?.DisableHooks == true : hr.Spec.Install?.DisableHooks == true;
            if (!disableHooks)
                release = release with { Hooks = await cluster.Hooks.RunAsync(release.Hooks ?? [], upgrade ? "post-upgrade" : "post-install", release.Namespace, ActionTimeout(hr, upgrade), ct) };
        }
        catch (Exception e) when (ActionError(e) is { } error)
        {
            return await FailAsync(hr, cluster, release, stored: true, upgrade, error, history.Where(r => r.Version != release.Version).ToList(), status, conditions, events, ct);
        }
        foreach (var older in history.Where(r => r.Version < release.Version && r.Info.Status == ReleaseStatus.Deployed))
            await cluster.Storage.UpdateAsync(older with { Info = older.Info with { Status = ReleaseStatus.Superseded } }, ct);
        release = release with { Info = release.Info with { Status = ReleaseStatus.Deployed, Description = upgrade ? "Upgrade complete" : "Install complete" } };
        await cluster.Storage.UpdateAsync(release, ct);
        await PruneHistoryAsync(cluster.Storage, release.Name, hr.Spec.GetMaxHistory(), ct);
        var reason = upgrade ? HelmReleaseReasons.UpgradeSucceeded : HelmReleaseReasons.InstallSucceeded;
        var message = $"Helm {action} succeeded for release {release.Namespace}/{release.Name}.v{release.Version} with chart {chartLabel}";
        conditions.MarkTrue(HelmReleaseReasons.Released, reason, message);
        conditions.Delete(HelmReleaseReasons.Remediated);
        events.Add(new ReconcileEvent(ReconcileEvent.Normal, reason, message, new Dictionary<string, string> { ["revision"] = release.ChartVersion }));
        status = status with
        {
            LastReleaseRevision = release.Version,
            InstallFailures = null,
            UpgradeFailures = null,
            Failures = null,
            LastAttemptedReleaseActionDuration = new GoDuration(Time.GetUtcNow() - started).ToString(),
            Inventory = Inventory(release),
        };
        if (hr.Spec.Test?.Enable == true)
        {
            var tested = await TestAsync(hr, cluster, release, conditions, events, ct);
            release = tested.Release;
            if (!tested.Succeeded && hr.Spec.Test.IgnoreFailures != true)
                return Result(status with { History = Snapshots(await cluster.Storage.HistoryAsync(release.Name, ct), hr) }, conditions, events,
                    Requeue.WithBackoff(hr.Spec.Interval.Value));
        }
        MarkReady(conditions, reason, message);
        return Result(status with { History = Snapshots(await cluster.Storage.HistoryAsync(release.Name, ct), hr) }, conditions, events,
            Requeue.AfterInterval(hr.Spec.Interval.Value));
    }

    private sealed record TestOutcome(Release Release, bool Succeeded);

    /// <summary>`helm test`: the release's test hooks run; TestSuccess says how it went.</summary>
    private async Task<TestOutcome> TestAsync(HelmRelease hr, ReleaseCluster cluster, Release release, ConditionSet conditions,
        List<ReconcileEvent> events, CancellationToken ct)
    {
        var label = $"{release.Namespace}/{release.Name}.v{release.Version} with chart {release.ChartName}@{release.ChartVersion}";
        var tests = (release.Hooks ?? []).Where(h => h.Events.Contains("test")).Where(h => Selected(hr, h)).ToList();
        try
        {
            var hooks = await cluster.Hooks.RunAsync(release.Hooks!.Where(h => !h.Events.Contains("test") || Selected(hr, h)).ToList(),
                "test", release.Namespace, hr.Spec.Test?.Timeout?.Value ?? hr.Spec.GetTimeout(), ct);
            release = release with { Hooks = MergeHooks(release.Hooks!, hooks) };
            await cluster.Storage.UpdateAsync(release, ct);
            var message = tests.Count == 0
                ? $"Helm test succeeded for release {label}: no test hooks"
                : $"Helm test succeeded for release {label}: {tests.Count} test hooks completed successfully";
            conditions.MarkTrue(HelmReleaseReasons.TestSuccess, HelmReleaseReasons.TestSucceeded, message);
            events.Add(new ReconcileEvent(ReconcileEvent.Normal, HelmReleaseReasons.TestSucceeded, message));
            return new TestOutcome(release, true);
        }
        catch (HookFailedException e)
        {
            var message = $"Helm test failed for release {label}: {e.Message}";
            conditions.MarkFalse(HelmReleaseReasons.TestSuccess, HelmReleaseReasons.TestFailed, message);
            if (hr.Spec.Test?.IgnoreFailures != true)
                conditions.MarkFalse(ConditionTypes.Ready, HelmReleaseReasons.TestFailed, message);
            events.Add(new ReconcileEvent(ReconcileEvent.Warning, HelmReleaseReasons.TestFailed, message));
            return new TestOutcome(release, false);
        }
    }

    private static bool Selected(HelmRelease hr, ReleaseHook hook)
    {
        var filters = hr.Spec.Test?.Filters ?? [];
        if (filters.Count == 0)
            return true;
        var included = filters.Where(f => f.Exclude != true).Select(f => f.Name).ToList();
        if (filters.Any(f => f.Exclude == true && f.Name == hook.Name))
            return false;
        return included.Count == 0 || included.Contains(hook.Name);
    }

    private static IReadOnlyList<ReleaseHook> MergeHooks(IReadOnlyList<ReleaseHook> all, IReadOnlyList<ReleaseHook> ran) =>
        all.Select(h => ran.FirstOrDefault(r => r.Name == h.Name && r.Path == h.Path) ?? h).ToList();

    /// <summary>An action failed: the release is recorded failed, the failure counted, and remediated when the
    /// spec's retries allow (upgrade: rollback to the last deployed release, or uninstall; install: uninstall).</summary>
    private async Task<ReconcileResult<HelmReleaseStatus>> FailAsync(HelmRelease hr, ReleaseCluster cluster, Release release, bool stored,
        bool upgrade, string error, IReadOnlyList<Release> before, HelmReleaseStatus status, ConditionSet conditions,
        List<ReconcileEvent> events, CancellationToken ct)
    {
        var action = upgrade ? "upgrade" : "install";
        var reason = upgrade ? HelmReleaseReasons.UpgradeFailed : HelmReleaseReasons.InstallFailed;
        var message = $"Helm {action} failed for release {release.Namespace}/{release.Name} with chart {release.ChartName}@{release.ChartVersion}: {error}";
        if (stored)
            await cluster.Storage.UpdateAsync(release with { Info = release.Info with { Status = ReleaseStatus.Failed, Description = $"{(upgrade ? "Upgrade" : "Release")} \"{release.Name}\" failed: {error}" } }, ct);
        conditions.MarkFalse(HelmReleaseReasons.Released, reason, message);
        conditions.MarkFalse(ConditionTypes.Ready, reason, message);
        conditions.MarkReconciling(ConditionReasons.ProgressingWithRetry, message);
        events.Add(new ReconcileEvent(ReconcileEvent.Warning, reason, message, new Dictionary<string, string> { ["revision"] = release.ChartVersion }));
        status = upgrade
            ? status with { UpgradeFailures = (status.UpgradeFailures ?? 0) + 1, Failures = (status.Failures ?? 0) + 1 }
            : status with { InstallFailures = (status.InstallFailures ?? 0) + 1, Failures = (status.Failures ?? 0) + 1 };
        var failures = upgrade ? status.UpgradeFailures!.Value : status.InstallFailures!.Value;
        var retries = upgrade ? hr.Spec.Upgrade?.Remediation?.Retries ?? 0 : hr.Spec.Install?.Remediation?.Retries ?? 0;
        var remediateLast = (upgrade ? hr.Spec.Upgrade?.Remediation?.RemediateLastFailure : hr.Spec.Install?.Remediation?.RemediateLastFailure) ?? retries > 0;
        var remediate = retries < 0 || failures <= retries || remediateLast;
        var strategy = upgrade ? hr.Spec.Upgrade?.Remediation?.Strategy ?? "rollback" : "uninstall";
        var retryOnFailure = (upgrade ? hr.Spec.Upgrade?.Strategy?.Name : hr.Spec.Install?.Strategy?.Name) == ActionStrategy.RetryOnFailure;
        if (remediate && stored && !retryOnFailure && (retries != 0 || remediateLast))
        {
            if (strategy == "rollback" && before.LastOrDefault(r => r.Info.Status is ReleaseStatus.Deployed or ReleaseStatus.Superseded) is { } target)
                await RollbackAsync(hr, cluster, release, target, conditions, events, ct);
            else
                await UninstallAsync(hr, cluster, release.Name, release.Namespace, remediation: true, conditions, events, ct);
        }
        var history = await cluster.Storage.HistoryAsync(release.Name, ct);
        return Result(status with { History = Snapshots(history, hr), ObservedGeneration = hr.Metadata.Generation }, conditions, events,
            Requeue.WithBackoff(retryOnFailure ? (upgrade ? hr.Spec.Upgrade?.Strategy?.RetryInterval : hr.Spec.Install?.Strategy?.RetryInterval)?.Value ?? hr.Spec.Interval.Value : hr.Spec.Interval.Value));
    }

    /// <summary>`helm rollback`: the target release's manifest applied again as a new revision.</summary>
    private async Task RollbackAsync(HelmRelease hr, ReleaseCluster cluster, Release failed, Release target, ConditionSet conditions,
        List<ReconcileEvent> events, CancellationToken ct)
    {
        var label = $"{target.Namespace}/{target.Name}.v{target.Version} with chart {target.ChartName}@{target.ChartVersion}";
        try
        {
            var version = failed.Version + 1;
            var now = ReleaseCodec.Time(Time.GetUtcNow());
            var rollback = target with
            {
                Version = version,
                Info = target.Info with { LastDeployed = now, Status = ReleaseStatus.PendingRollback, Description = $"Rollback to {target.Version}", Deleted = null },
            };
            await cluster.Storage.CreateAsync(rollback, ct);
            var objects = ReleaseRenderer.ObjectsOf(target.Manifest).Select(o => WithNamespace(o, target.Namespace)).ToList();
            objects = [.. await cluster.PrepareAsync(objects, target.Name, target.Namespace, ct)];
            await cluster.ApplyAsync(objects, hr, ct);
            await cluster.DeleteRemovedAsync(failed, objects, ct);
            foreach (var older in (await cluster.Storage.HistoryAsync(target.Name, ct)).Where(r => r.Version < version && r.Info.Status == ReleaseStatus.Deployed))
                await cluster.Storage.UpdateAsync(older with { Info = older.Info with { Status = ReleaseStatus.Superseded } }, ct);
            await cluster.Storage.UpdateAsync(rollback with { Info = rollback.Info with { Status = ReleaseStatus.Deployed } }, ct);
            var message = $"Helm rollback to previous release {label} succeeded";
            conditions.MarkTrue(HelmReleaseReasons.Remediated, HelmReleaseReasons.RollbackSucceeded, message);
            conditions.MarkFalse(ConditionTypes.Ready, HelmReleaseReasons.RollbackSucceeded, message);
            events.Add(new ReconcileEvent(ReconcileEvent.Normal, HelmReleaseReasons.RollbackSucceeded, message));
        }
        catch (Exception e) when (ActionError(e) is { } error)
        {
            var message = $"Helm rollback to previous release {label} failed: {error}";
            conditions.MarkFalse(HelmReleaseReasons.Remediated, HelmReleaseReasons.RollbackFailed, message);
            events.Add(new ReconcileEvent(ReconcileEvent.Warning, HelmReleaseReasons.RollbackFailed, message));
        }
    }

    /// <summary>
    /// The HelmRelease is being deleted: uninstall its release as `helm uninstall` does (pre-delete hooks, objects,
    /// post-delete hooks, storage, or storage kept as uninstalled with uninstall.keepHistory), delete the HelmChart it
    /// owns, and drop the finalizer. A suspended HelmRelease leaves its release alone, as in Flux; so does one whose
    /// cluster it can no longer act on (its kubeconfig Secret or its ServiceAccount is gone, as when its tenant is
    /// being removed): nothing is uninstalled on its behalf, and the HelmRelease still goes.
    /// </summary>
    public async Task FinalizeAsync(HelmRelease hr, CancellationToken ct)
    {
        if (hr.Spec.Suspend != true)
        {
            using var cluster = await OpenForUninstallAsync(hr, ct);
            if (cluster is not null)
            {
                var conditions = new ConditionSet(hr.Status?.Conditions, hr.Metadata.Generation ?? 0, Time);
                await UninstallAsync(hr, cluster, ReleaseNames.Release(hr), ReleaseNames.Target(hr), remediation: false, conditions, [], ct);
            }
            if (hr.Spec.Chart is not null)
            {
                var (ns, name) = ReleaseNames.HelmChart(hr);
                await kube.DeleteAsync(new ObjectRef(HelmChart.ApiVersionV1, HelmChart.KindName, ns, name), "Background", ct);
            }
        }
        var finalizers = (hr.Metadata.Finalizers ?? []).Where(f => f != Finalizer).ToList();
        await kube.PatchAsync(Ref(hr), new JsonObject
        {
            ["metadata"] = new JsonObject { ["finalizers"] = new JsonArray(finalizers.Select(f => (JsonNode)f).ToArray()) },
        }, ct);
    }

    private async Task<ReleaseCluster?> OpenForUninstallAsync(HelmRelease hr, CancellationToken ct)
    {
        ReleaseCluster cluster;
        try
        {
            cluster = await ReleaseCluster.OpenAsync(kube, hr, options, ct);
        }
        catch (ReconcileFailure)
        {
            return null;
        }
        if (hr.Spec.KubeConfig is not null || await cluster.ServiceAccountExistsAsync(ct))
            return cluster;
        cluster.Dispose();
        return null;
    }

    private async Task UninstallAsync(HelmRelease hr, ReleaseCluster cluster, string name, string @namespace, bool remediation,
        ConditionSet conditions, List<ReconcileEvent> events, CancellationToken ct)
    {
        var history = await cluster.Storage.HistoryAsync(name, ct);
        if (history.LastOrDefault() is not { } latest || latest.Info.Status == ReleaseStatus.Uninstalled)
            return;
        var timeout = hr.Spec.Uninstall?.Timeout?.Value ?? hr.Spec.GetTimeout();
        var hooks = cluster.Hooks;
        var label = $"{latest.Namespace}/{latest.Name}.v{latest.Version} with chart {latest.ChartName}@{latest.ChartVersion}";
        try
        {
            if (hr.Spec.Uninstall?.DisableHooks != true)
                await hooks.RunAsync(latest.Hooks ?? [], "pre-delete", latest.Namespace, timeout, ct);
            var propagation = hr.Spec.Uninstall?.DeletionPropagation ?? "background";
            foreach (var obj in ReleaseRenderer.ObjectsOf(latest.Manifest).Reverse())
                await cluster.Client.DeleteAsync(ObjectRef.Of(WithNamespace(obj, latest.Namespace)), char.ToUpperInvariant(propagation[0]) + propagation[1..], ct);
            if (hr.Spec.Uninstall?.DisableHooks != true)
                await hooks.RunAsync(latest.Hooks ?? [], "post-delete", latest.Namespace, timeout, ct);
            if (hr.Spec.Uninstall?.KeepHistory == true)
                await cluster.Storage.UpdateAsync(latest with { Info = latest.Info with { Status = ReleaseStatus.Uninstalled, Deleted = ReleaseCodec.Time(Time.GetUtcNow()), Description = "Uninstallation complete" } }, ct);
            else
                foreach (var release in history)
                    await cluster.Storage.DeleteAsync(release, ct);
            var message = $"Helm uninstall succeeded for release {label}";
            if (remediation)
                conditions.MarkTrue(HelmReleaseReasons.Remediated, HelmReleaseReasons.UninstallSucceeded, message);
            events.Add(new ReconcileEvent(ReconcileEvent.Normal, HelmReleaseReasons.UninstallSucceeded, message));
        }
        catch (Exception e) when (ActionError(e) is { } error && remediation)
        {
            var message = $"Helm uninstall failed for release {label}: {error}";
            conditions.MarkFalse(HelmReleaseReasons.Remediated, HelmReleaseReasons.UninstallFailed, message);
            events.Add(new ReconcileEvent(ReconcileEvent.Warning, HelmReleaseReasons.UninstallFailed, message));
        }
    }
}
