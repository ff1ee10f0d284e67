using Tide.Engine.Artifacts;
using System.Text.Json.Nodes;
using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Event;
using Tide.Actors.Sharding;
using Tide.Actors.Watchers;

namespace Tide.Actors.Entities;

/// <summary>
/// A Kustomization: subscribes to its source entity, and reconciles (build, apply, prune) when a new artifact arrives,
/// on its interval (which also reverts drift and renews the subscription), on spec changes and on requestedAt.
/// </summary>
public sealed class KustomizationEntity : ReceiveActor, IWithTimers
{
    private const string TimerKey = "interval";
    private const string DriftTimerKey = "drift";
    private static readonly TimeSpan DriftQuietPeriod = TimeSpan.FromSeconds(1);
    private readonly string _entityId;
    private readonly IReconcileHandler _handler;
    private readonly ShardRegions _regions;
    private readonly ReconcileTiming _timing;
    private readonly IActorRef? _driftWatcher;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private DateTimeOffset _lastReconcile = DateTimeOffset.MinValue;
    private bool _reconcilePending;
    private JsonObject? _object;
    private ObjectView? _view;
    private string? _sourceId;
    private ArtifactLocation? _artifact;
    private ArtifactLocation? _reconciledArtifact;

    public ITimerScheduler Timers { get; set; } = null!;

    public KustomizationEntity(string entityId, IReconcileHandler handler, ShardRegions regions, ReconcileTiming timing,
        IActorRef? driftWatcher = null)
    {
        _driftWatcher = driftWatcher;
        _entityId = entityId;
        _handler = handler;
        _regions = regions;
        _timing = timing;

        Receive<ObjectChanged>(OnObjectChanged);
        Receive<ObjectDeleted>(_ =>
        {
            if (_sourceId is not null)
                _regions.Tell(new Unsubscribe(_sourceId, _entityId));
            Context.Parent.Tell(new Passivate(PoisonPill.Instance));
        });
        Receive<ArtifactChanged>(m =>
        {
            if (m.SourceId != _sourceId)
                return;
            _artifact = m.Artifact;
            if (_artifact != _reconciledArtifact)
                RequestReconcile();
        });
        Receive<DriftDetected>(m =>
        {
            // Reverting drift right away, but at most once a second: an object that keeps changing under us must
            // not turn into a reconcile loop.
            var wait = _lastReconcile + DriftQuietPeriod - DateTimeOffset.UtcNow;
            if (wait <= TimeSpan.Zero)
                RequestReconcile();
            else if (!Timers.IsTimerActive(DriftTimerKey))
                Timers.StartSingleTimer(DriftTimerKey, m, wait);
        });
        Receive<IntervalElapsed>(_ =>
        {
            SubscribeToSource();
            RequestReconcile();
        });
        ReceiveAsync<ReconcileNow>(_ => ReconcileAsync());
    }

    public static Props Props(string entityId, IReconcileHandler handler, ShardRegions regions, ReconcileTiming timing,
        IActorRef? driftWatcher = null) =>
        Akka.Actor.Props.Create(() => new KustomizationEntity(entityId, handler, regions, timing, driftWatcher));

    private void OnObjectChanged(ObjectChanged m)
    {
        var obj = JsonNode.Parse(m.ObjectJson)!.AsObject();
        var view = ObjectView.Of(obj);
        var previous = _view;
        _object = obj;
        _view = view;

        var sourceId = SourceIdOf(obj);
        if (sourceId != _sourceId)
        {
            if (_sourceId is not null)
                _regions.Tell(new Unsubscribe(_sourceId, _entityId));
            _sourceId = sourceId;
            _artifact = null;
            SubscribeToSource();
        }
        if (view.Suspended || view.Deleting)
        {
            Timers.Cancel(TimerKey);
            return;
        }
        if (view.AsksToReconcileAfter(previous))
            RequestReconcile();
    }

    private void SubscribeToSource()
    {
        if (_sourceId is not null && _regions.Kinds.Contains(EntityId.KindOf(_sourceId)))
            _regions.Tell(new Subscribe(_sourceId, _entityId));
    }

    private static string? SourceIdOf(JsonObject obj)
    {
        var sourceRef = obj["spec"]?["sourceRef"];
        var kind = sourceRef?["kind"]?.GetValue<string>();
        var name = sourceRef?["name"]?.GetValue<string>();
        if (kind is null || name is null)
            return null;
        var ns = sourceRef?["namespace"]?.GetValue<string>() ?? obj["metadata"]?["namespace"]?.GetValue<string>() ?? "";
        return EntityId.Of(kind, ns, name);
    }

    /// <summary>Asks for a reconcile; requests that arrive before it runs are one reconcile.</summary>
    private void RequestReconcile()
    {
        if (_reconcilePending)
            return;
        _reconcilePending = true;
        Self.Tell(ReconcileNow.Instance);
    }

    private async Task ReconcileAsync()
    {
        if (!_reconcilePending)
            return;
        _reconcilePending = false;
        if (_object is null || _view is { Suspended: true } || _view is { Deleting: true })
            return;
        Timers.Cancel(TimerKey);
        ReconcileOutcome outcome;
        try
        {
            outcome = await _handler.ReconcileAsync(_object, _artifact, CancellationToken.None);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            _log.Error(e, "{0}: reconcile failed unexpectedly", _entityId);
            outcome = new ReconcileOutcome(false, TimeSpan.FromMinutes(1), Message: e.Message);
        }
        _lastReconcile = DateTimeOffset.UtcNow;
        if (outcome.Succeeded)
            _reconciledArtifact = _artifact;
        if (outcome.AppliedKinds.Count > 0)
            _driftWatcher?.Tell(new DriftWatcher.WatchKinds(outcome.AppliedKinds));
        if (_timing.Next(outcome) is { } next)
            Timers.StartSingleTimer(TimerKey, IntervalElapsed.Instance, next);
    }
}
