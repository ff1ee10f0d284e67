using Tide.Engine.Artifacts;
using System.Text.Json.Nodes;
using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Event;
using Tide.Actors.Sharding;

namespace Tide.Actors.Entities;

/// <summary>
/// A source object (GitRepository, ...): reconciles on its interval, on spec changes and on requestedAt, and tells
/// every subscriber about a new artifact through the subscribers' shard regions. A subscriber gets the current
/// artifact as soon as it subscribes; subscribers re-subscribe on their own intervals, so the set heals after this
/// entity restarts on another node.
/// </summary>
public sealed class SourceEntity : ReceiveActor, IWithTimers
{
    private const string TimerKey = "interval";
    private readonly string _entityId;
    private readonly IReconcileHandler _handler;
    private readonly ShardRegions _regions;
    private readonly ReconcileTiming _timing;
    private readonly HashSet<string> _subscribers = new(StringComparer.Ordinal);
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private bool _reconcilePending;
    private JsonObject? _object;
    private ObjectView? _view;
    private ArtifactLocation? _artifact;

    public ITimerScheduler Timers { get; set; } = null!;

    public SourceEntity(string entityId, IReconcileHandler handler, ShardRegions regions, ReconcileTiming timing)
    {
        _entityId = entityId;
        _handler = handler;
        _regions = regions;
        _timing = timing;

        Receive<ObjectChanged>(OnObjectChanged);
        ReceiveAsync<ObjectDeleted>(async _ =>
        {
            Timers.CancelAll();
            if (_object is not null)
            {
                try
                {
                    await _handler.ForgetAsync(_object, CancellationToken.None);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    _log.Warning("{0}: could not remove its artifacts: {1}", _entityId, e.Message);
                }
            }
            Context.Parent.Tell(new Passivate(PoisonPill.Instance));
        });
        Receive<Subscribe>(m =>
        {
            _subscribers.Add(m.SubscriberId);
            if (_artifact is not null)
                _regions.Tell(new ArtifactChanged(m.SubscriberId, _entityId, _artifact));
        });
        Receive<Unsubscribe>(m => _subscribers.Remove(m.SubscriberId));
        Receive<IntervalElapsed>(_ => RequestReconcile());
        ReceiveAsync<ReconcileNow>(_ => ReconcileAsync());
    }

    public static Props Props(string entityId, IReconcileHandler handler, ShardRegions regions, ReconcileTiming timing) =>
        Akka.Actor.Props.Create(() => new SourceEntity(entityId, handler, regions, timing));

    private void OnObjectChanged(ObjectChanged m)
    {
        var obj = JsonNode.Parse(m.ObjectJson)!.AsObject();
        var view = ObjectView.Of(obj);
        var previous = _view;
        _object = obj;
        _view = view;
        if (view.Suspended || view.Deleting)
        {
            Timers.Cancel(TimerKey);
            return;
        }
        if (view.AsksToReconcileAfter(previous))
            RequestReconcile();
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
            outcome = await _handler.ReconcileAsync(_object, null, CancellationToken.None);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The handler maps known failures to conditions; anything else is retried with backoff, never fatal.
            _log.Error(e, "{0}: reconcile failed unexpectedly", _entityId);
            outcome = new ReconcileOutcome(false, TimeSpan.FromMinutes(1), Message: e.Message);
        }
        if (outcome.Artifact is { } artifact && artifact != _artifact)
        {
            _artifact = artifact;
            foreach (var subscriber in _subscribers)
                _regions.Tell(new ArtifactChanged(subscriber, _entityId, artifact));
        }
        if (_timing.Next(outcome) is { } next)
            Timers.StartSingleTimer(TimerKey, IntervalElapsed.Instance, next);
    }
}
