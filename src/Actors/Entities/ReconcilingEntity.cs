using System.Text.Json.Nodes;
using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Event;
using Tide.Actors.Sharding;
using Tide.Engine.Artifacts;

namespace Tide.Actors.Entities;

/// <summary>
/// What every entity does with its object: keep the last version the watcher saw, reconcile when the user asks for
/// it (first sight, a new generation, a new requestedAt, resume from suspend) and on its own timer, coalesce requests,
/// survive a failing handler with backoff, and stop (through sharding's Passivate) when the object is deleted.
/// Kinds add their protocol (publishing artifacts, subscribing to a source) in subclasses.
/// </summary>
public abstract class ReconcilingEntity : ReceiveActor, IWithTimers
{
    protected const string TimerKey = "interval";
    private readonly ReconcileTiming _timing;
    private bool _reconcilePending;
    private ObjectView? _view;
    private readonly ObjectLoader? _loader;

    protected ReconcilingEntity(string entityId, IReconcileHandler handler, ShardRegions regions, ReconcileTiming timing,
        ObjectLoader? loader)
    {
        EntityId = entityId;
        Handler = handler;
        Regions = regions;
        _timing = timing;
        _loader = loader;

        Receive<ObjectChanged>(OnObjectChanged);
        ReceiveAsync<ObjectDeleted>(async _ =>
        {
            Timers.CancelAll();
            await OnDeletedAsync();
            Context.Parent.Tell(new Passivate(PoisonPill.Instance));
        });
        Receive<IntervalElapsed>(_ =>
        {
            OnInterval();
            RequestReconcile();
        });
        ReceiveAsync<ReconcileNow>(_ => ReconcileAsync());
        ReceiveAsync<LoadObject>(_ => LoadAsync());
        ReceiveAsync<FinalizeNow>(_ => FinalizeAsync());
    }

    protected override void PreStart()
    {
        base.PreStart();
        // Sharding (remember-entities) restarts entities of a lost node's shards with no message: fetch the object.
        if (_loader is not null)
            Self.Tell(LoadObject.Instance);
    }

    private async Task LoadAsync()
    {
        if (Object is not null)
            return;
        JsonObject? obj;
        try
        {
            obj = await _loader!(EntityId, CancellationToken.None);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The watcher's relist delivers the object later; nothing is lost.
            Log.Warning("{0}: could not read its object: {1}", EntityId, e.Message);
            return;
        }
        if (obj is null)
        {
            // Gone (deleted while no node ran this entity), or not created yet by the user that others wait for.
            if (!HasListeners)
                Self.Tell(new ObjectDeleted(EntityId));
        }
        else if (Object is null)
        {
            OnObjectChanged(new ObjectChanged(EntityId, obj.ToJsonString()));
        }
    }

    /// <summary>Cleans up for a deleting object; retried until it succeeds (the object then goes away and the
    /// watcher's DELETED stops the entity).</summary>
    private async Task FinalizeAsync()
    {
        if (Object is null)
            return;
        try
        {
            await Handler.FinalizeAsync(Object, CancellationToken.None);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            Log.Warning("{0}: finalizing failed, retrying: {1}", EntityId, e.Message);
            Timers.StartSingleTimer("finalize", FinalizeNow.Instance, TimeSpan.FromSeconds(5));
        }
    }

    private sealed class FinalizeNow
    {
        public static readonly FinalizeNow Instance = new();
    }

    /// <summary>Read the object from the cluster if no watcher delivered it yet.</summary>
    private sealed class LoadObject
    {
        public static readonly LoadObject Instance = new();
    }

    public ITimerScheduler Timers { get; set; } = null!;

    protected string EntityId { get; }

    protected IReconcileHandler Handler { get; }

    protected ShardRegions Regions { get; }

    protected ILoggingAdapter Log { get; } = Context.GetLogger();

    /// <summary>The object as last seen, or null before the watcher delivered it.</summary>
    protected JsonObject? Object { get; private set; }

    /// <summary>The artifact handed to the handler (consumers: their source's).</summary>
    protected virtual ArtifactLocation? InputArtifact => null;

    /// <summary>Whether other entities wait for news from this one: then an entity whose object does not exist
    /// (yet) stays, to tell them when it is created, instead of stopping.</summary>
    protected virtual bool HasListeners => false;

    /// <summary>A new version of the object arrived (before the decision to reconcile).</summary>
    protected virtual void OnObjectSeen(JsonObject obj)
    {
    }

    /// <summary>The interval timer fired (before the reconcile it triggers).</summary>
    protected virtual void OnInterval()
    {
    }

    /// <summary>A reconcile finished.</summary>
    protected virtual void OnReconciled(ReconcileOutcome outcome)
    {
    }

    /// <summary>The object was deleted; the entity stops after this.</summary>
    protected virtual Task OnDeletedAsync() => Task.CompletedTask;

    private void OnObjectChanged(ObjectChanged m)
    {
        var obj = JsonNode.Parse(m.ObjectJson)!.AsObject();
        var view = ObjectView.Of(obj);
        var previous = _view;
        Object = obj;
        _view = view;
        OnObjectSeen(obj);
        if (view.Deleting)
        {
            Timers.Cancel(TimerKey);
            Self.Tell(FinalizeNow.Instance);
            return;
        }
        if (view.Suspended)
        {
            Timers.Cancel(TimerKey);
            return;
        }
        if (view.AsksToReconcileAfter(previous))
            RequestReconcile();
    }

    /// <summary>Asks for a reconcile; requests that arrive before it runs are one reconcile.</summary>
    protected void RequestReconcile()
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
        if (Object is null || _view is { Suspended: true } or { Deleting: true })
            return;
        Timers.Cancel(TimerKey);
        ReconcileOutcome outcome;
        try
        {
            outcome = await Handler.ReconcileAsync(Object, InputArtifact, CancellationToken.None);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The handler maps known failures to conditions; anything else is retried with backoff, never fatal.
            Log.Error(e, "{0}: reconcile failed unexpectedly", EntityId);
            outcome = new ReconcileOutcome(false, TimeSpan.FromMinutes(1), Message: e.Message);
        }
        OnReconciled(outcome);
        ScheduleNext(outcome);
    }

    /// <summary>Starts the interval (or retry) timer the outcome asks for.</summary>
    protected void ScheduleNext(ReconcileOutcome outcome)
    {
        if (_timing.Next(outcome) is { } next)
            Timers.StartSingleTimer(TimerKey, IntervalElapsed.Instance, next);
    }
}
