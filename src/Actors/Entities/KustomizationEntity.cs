using System.Text.Json.Nodes;
using Akka.Actor;
using Akka.Event;
using Tide.Actors.Sharding;
using Tide.Actors.Watchers;
using Tide.Engine.Artifacts;

namespace Tide.Actors.Entities;

/// <summary>
/// A Kustomization: subscribes to its source entity, and reconciles (build, apply, prune) when a new artifact arrives,
/// on its interval (which also reverts drift and renews the subscription), on spec changes, on requestedAt, and at
/// once (at most once a second) when the drift watcher sees one of its objects changed. With dependsOn it watches
/// the readiness of the Kustomizations it depends on, which tell it when they become ready (push, not polling); the
/// reconciler checks them before it applies anything.
/// </summary>
public sealed class KustomizationEntity : ReconcilingEntity
{
    private const string DriftTimerKey = "drift";
    private const string SubscriptionTimerKey = "subscription";
    private const string HealthTimerKey = "health";
    private const string DriftRenewalTimerKey = "drift-renewal";
    /// <summary>How often the subscription is renewed besides the interval: a source entity that restarted on another
    /// node knows its subscribers again within this time, whatever the Kustomization's interval.</summary>
    private static readonly TimeSpan SubscriptionRenewal = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan DriftQuietPeriod = TimeSpan.FromSeconds(1);
    private readonly IActorRef? _driftWatcher;
    private DateTimeOffset _lastReconcile = DateTimeOffset.MinValue;
    private string? _sourceId;
    private ArtifactLocation? _artifact;
    private ArtifactLocation? _reconciledArtifact;
    /// <summary>The artifact handed to the reconcile under way (null: it reads the one in its source's status).</summary>
    private ArtifactLocation? _reconcilingWith;
    /// <summary>Drift reported while a reconcile runs, latest per object: mostly the watch events of that reconcile's
    /// own apply, which only its result can tell apart from someone else's change.</summary>
    private readonly Dictionary<string, DriftDetected> _driftWhileReconciling = new(StringComparer.Ordinal);
    private bool _dependencyReadyWhileReconciling;
    private IReadOnlyDictionary<string, string> _applied = new Dictionary<string, string>();
    /// <summary>The kinds of the last inventory, watched for drift in the target cluster.</summary>
    private IReadOnlyList<AppliedKind> _driftKinds = [];
    private IReadOnlyList<string> _dependencies = [];
    private readonly HashSet<string> _dependents = new(StringComparer.Ordinal);
    private bool _ready;
    private long _healthEpoch;
    private DateTimeOffset _healthWaitStarted;

    public KustomizationEntity(string entityId, IReconcileHandler handler, ShardRegions regions, ReconcileTiming timing,
        ObjectLoader loader, IActorRef? driftWatcher = null)
        : base(entityId, handler, regions, timing, loader)
    {
        _driftWatcher = driftWatcher;
        Receive<ArtifactChanged>(m =>
        {
            if (m.SourceId != _sourceId)
                return;
            var previous = _artifact;
            _artifact = m.Artifact;
            // Only news triggers a reconcile: a renewed subscription repeats the artifact already known, and a
            // failed reconcile of it is retried on its retry schedule, not on every renewal.
            if (_artifact == previous || _artifact == _reconciledArtifact)
                return;
            // A reconcile that started without an artifact reads its source's, most likely this very one: whether
            // this is news is known when it ends (OnReconciled), so it is neither cancelled nor repeated now.
            if (Reconciling && _reconcilingWith is null)
                return;
            // A new revision makes the work under way (an apply, a health round of the previous revision) stale:
            // Flux's CancelHealthCheckOnNewRevision, here for every phase.
            CancelWork();
            RequestReconcile();
        });
        Receive<RenewSubscription>(_ =>
        {
            SubscribeToSource();
            WatchDependencies();
        });
        Receive<RenewDriftWatch>(_ =>
        {
            if (_driftKinds.Count > 0)
                TellDriftWatcher();
        });
        Receive<WatchReadiness>(m =>
        {
            _dependents.Add(m.SubscriberId);
            if (_ready)
                Regions.Tell(new DependencyReady(m.SubscriberId, EntityId));
        });
        Receive<DependencyReady>(m =>
        {
            // Only a Kustomization still waiting needs the news: one that already applied (its dependencies were
            // ready when it looked) does not build again, as in Flux. The reconcile under way may be that one: judged
            // once it ends.
            if (!_dependencies.Contains(m.DependencyId))
                return;
            if (Reconciling)
                _dependencyReadyWhileReconciling = true;
            else if (!_ready)
                RequestReconcile();
        });
        Receive<HealthTick>(tick =>
        {
            // A reconcile under way or since ends the health wait this tick belongs to.
            if (tick.Epoch != _healthEpoch || Object is not { } obj || Busy)
                return;
            var started = _healthWaitStarted;
            StartWork(ct => Handler.CheckHealthAsync(obj, started, ct), (outcome, error) =>
            {
                if (outcome is null)
                {
                    Log.Warning("{0}: health check failed unexpectedly: {1}", EntityId, error?.Message ?? "");
                    outcome = new ReconcileOutcome(false, null) { HealthCheckAfter = TimeSpan.FromSeconds(5) };
                }
                AfterHealthRound(outcome);
            });
        });
        Receive<DriftDetected>(m =>
        {
            // The watch events of the apply under way arrive before its result (the status write comes last): judged
            // against what it applied, once it ends.
            if (Reconciling)
                _driftWhileReconciling[m.Object] = m;
            else
                JudgeDrift(m);
        });
    }

    public static Props Props(string entityId, IReconcileHandler handler, ShardRegions regions, ReconcileTiming timing,
        ObjectLoader loader, IActorRef? driftWatcher = null) =>
        Akka.Actor.Props.Create(() => new KustomizationEntity(entityId, handler, regions, timing, loader, driftWatcher));

    protected override ArtifactLocation? InputArtifact => _artifact;

    protected override bool HasListeners => _dependents.Count > 0;

    protected override void PreStart()
    {
        base.PreStart();
        Timers.StartPeriodicTimer(SubscriptionTimerKey, RenewSubscription.Instance, SubscriptionRenewal);
        if (_driftWatcher is not null)
            Timers.StartPeriodicTimer(DriftRenewalTimerKey, RenewDriftWatch.Instance, DriftWatcher.NeedRenewal);
    }

    protected override void OnObjectSeen(JsonObject obj)
    {
        var dependencies = DependenciesOf(obj);
        if (!dependencies.SequenceEqual(_dependencies))
        {
            _dependencies = dependencies;
            WatchDependencies();
        }
        var sourceId = SourceIdOf(obj);
        if (sourceId == _sourceId)
            return;
        if (_sourceId is not null)
            Regions.Tell(new Unsubscribe(_sourceId, EntityId));
        _sourceId = sourceId;
        _artifact = null;
        SubscribeToSource();
    }

    /// <summary>Renews the subscription, so a source entity that restarted elsewhere learns of this consumer.</summary>
    protected override void OnInterval() => SubscribeToSource();

    /// <summary>A new reconcile ends any health wait of the previous one.</summary>
    protected override void OnReconcileStarting()
    {
        _healthEpoch++;
        _reconcilingWith = _artifact;
        Timers.Cancel(HealthTimerKey);
    }

    protected override void OnReconciled(ReconcileOutcome outcome)
    {
        _lastReconcile = DateTimeOffset.UtcNow;
        if (outcome.Applied is { } fingerprints)
            _applied = fingerprints;
        foreach (var drift in _driftWhileReconciling.Values)
            JudgeDrift(drift);
        _driftWhileReconciling.Clear();
        // A reconcile that ran before any message brought the artifact read it from the source's status.
        var used = outcome.Artifact ?? _reconcilingWith;
        _artifact ??= used;
        var appliedOk = outcome.Succeeded || outcome.HealthCheckAfter is not null;
        var applied = appliedOk && _reconciledArtifact != used;
        if (appliedOk)
            _reconciledArtifact = used;
        // An artifact that arrived meanwhile and differs from the one this reconcile read itself is news.
        if (_artifact != used && _artifact != _reconciledArtifact)
            RequestReconcile();
        if (outcome.HealthCheckAfter is { } tick)
        {
            _healthWaitStarted = DateTimeOffset.UtcNow;
            Timers.StartSingleTimer(HealthTimerKey, new HealthTick(_healthEpoch), tick);
        }
        // An inventory that became empty withdraws the need; a failure before any inventory changes nothing, and
        // kinds that apply nothing themselves (a HelmRelease) never need a drift watch.
        if (outcome.AppliedKinds.Count > 0 || (outcome.Succeeded && _driftKinds.Count > 0))
        {
            _driftKinds = outcome.AppliedKinds;
            TellDriftWatcher();
        }
        UpdateReadiness(outcome, applied);
        if (_dependencyReadyWhileReconciling && !appliedOk)
            RequestReconcile();
        _dependencyReadyWhileReconciling = false;
    }

    private void JudgeDrift(DriftDetected m)
    {
        // The watch also reports this entity's own writes: an object exactly as the last apply left it (or a deletion
        // of one it pruned) is no drift.
        if (_applied.TryGetValue(m.Object, out var applied) && applied == m.Fingerprint)
            return;
        // Reverting drift right away, but at most once a second: an object that keeps changing under us must not
        // turn into a reconcile loop.
        var wait = _lastReconcile + DriftQuietPeriod - DateTimeOffset.UtcNow;
        if (wait <= TimeSpan.Zero)
            RequestReconcile();
        else if (!Timers.IsTimerActive(DriftTimerKey))
            Timers.StartSingleTimer(DriftTimerKey, m, wait);
    }

    private void AfterHealthRound(ReconcileOutcome outcome)
    {
        if (outcome.Written is { } written)
            Adopt(written);
        if (outcome.HealthCheckAfter is { } tick)
        {
            Timers.StartSingleTimer(HealthTimerKey, new HealthTick(_healthEpoch), tick);
            return;
        }
        UpdateReadiness(outcome, applied: false);
        ScheduleNext(outcome);
    }

    /// <summary>Tells dependents when this Kustomization became ready or applied a new revision while ready.</summary>
    private void UpdateReadiness(ReconcileOutcome outcome, bool applied)
    {
        var becameReady = outcome.Succeeded && !_ready;
        _ready = outcome.Succeeded;
        if (becameReady || (applied && outcome.Succeeded))
        {
            foreach (var dependent in _dependents)
                Regions.Tell(new DependencyReady(dependent, EntityId));
        }
    }

    /// <summary>Tells the drift watcher what this Kustomization needs watched, in the cluster its object targets now
    /// (a new target replaces the old one; no kinds withdraws it).</summary>
    private void TellDriftWatcher()
    {
        if (_driftWatcher is null || Object is not { } obj)
            return;
        var ns = obj["metadata"]?["namespace"]?.GetValue<string>() ?? "";
        var secret = obj["spec"]?["kubeConfig"]?["secretRef"];
        var cluster = secret?["name"]?.GetValue<string>() is { } name
            ? new TargetClusterRef(ns, name, secret["key"]?.GetValue<string>())
            : null;
        _driftWatcher.Tell(new DriftWatcher.WatchKinds(EntityId, cluster, _driftKinds));
    }

    protected override Task OnDeletedAsync(CancellationToken ct)
    {
        _driftWatcher?.Tell(new DriftWatcher.StopWatching(EntityId));
        if (_sourceId is not null)
            Regions.Tell(new Unsubscribe(_sourceId, EntityId));
        return Task.CompletedTask;
    }

    private void WatchDependencies()
    {
        foreach (var dependency in _dependencies)
            Regions.Tell(new WatchReadiness(dependency, EntityId));
    }

    /// <summary>The entities this one depends on: of its own kind (a Kustomization on Kustomizations, a HelmRelease on
    /// HelmReleases) unless an entry names another kind.</summary>
    private static IReadOnlyList<string> DependenciesOf(JsonObject obj)
    {
        var ns = obj["metadata"]?["namespace"]?.GetValue<string>() ?? "";
        var ownKind = obj["kind"]?.GetValue<string>() ?? "Kustomization";
        return (obj["spec"]?["dependsOn"] as JsonArray ?? [])
            .OfType<JsonObject>()
            .Where(d => d["name"] is not null)
            .Select(d => Sharding.EntityId.Of(d["kind"]?.GetValue<string>() ?? ownKind, d["namespace"]?.GetValue<string>() ?? ns, d["name"]!.GetValue<string>()))
            .ToList();
    }

    private void SubscribeToSource()
    {
        if (_sourceId is not null && Regions.Kinds.Contains(Sharding.EntityId.KindOf(_sourceId)))
            Regions.Tell(new Subscribe(_sourceId, EntityId));
    }

    private static string? SourceIdOf(JsonObject obj)
    {
        var ns = obj["metadata"]?["namespace"]?.GetValue<string>() ?? "";
        // A HelmRelease's source is the HelmChart its chart template makes ("<namespace>-<name>" in the source's
        // namespace), or the chart source its chartRef names.
        if (obj["spec"]?["chart"]?["spec"]?["sourceRef"] is JsonObject chartSource)
            return Sharding.EntityId.Of("HelmChart", chartSource["namespace"]?.GetValue<string>() ?? ns,
                $"{ns}-{obj["metadata"]?["name"]?.GetValue<string>()}");
        var sourceRef = obj["spec"]?["sourceRef"] ?? obj["spec"]?["chartRef"];
        var kind = sourceRef?["kind"]?.GetValue<string>();
        var name = sourceRef?["name"]?.GetValue<string>();
        if (kind is null || name is null)
            return null;
        return Sharding.EntityId.Of(kind, sourceRef?["namespace"]?.GetValue<string>() ?? ns, name);
    }

    private sealed class RenewSubscription
    {
        public static readonly RenewSubscription Instance = new();
    }

    private sealed class RenewDriftWatch
    {
        public static readonly RenewDriftWatch Instance = new();
    }

    /// <summary>Time for the next round of health checks of the reconcile numbered <see cref="Epoch"/>.</summary>
    private sealed record HealthTick(long Epoch);
}
