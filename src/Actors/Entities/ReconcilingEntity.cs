using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Event;
using Tide.Actors.Cluster;
using Tide.Actors.Sharding;
using Tide.Engine.Artifacts;

namespace Tide.Actors.Entities;

/// <summary>
/// What every entity does with its object: keep the newest version it saw (from the watcher, or returned by its own
/// status write; never an older one delivered later), reconcile when the user asks for it (first sight, a new
/// generation, a new requestedAt, resume from suspend) and on its own timer, coalesce requests, retry failures,
/// finalize a deleting object, and stop (through sharding's Passivate) when it is deleted.
/// <para>Work (reconcile, health round, finalize) runs off the mailbox, one piece at a time, with the entity's
/// cancellation token: messages keep arriving while it runs, and news that makes the work stale (a deletion, a new
/// generation, a new revision) cancels it; the token is then renewed for the work that follows.</para>
/// Kinds add their protocol (publishing artifacts, subscribing to a source) in subclasses.
/// </summary>
public abstract class ReconcilingEntity : ReceiveActor, IWithTimers
{
    protected const string TimerKey = "interval";
    private const string FinalizeTimerKey = "finalize";
    /// <summary>How soon a failed finalize round (API server unreachable...) is tried again.</summary>
    private static readonly TimeSpan FinalizeRetry = TimeSpan.FromSeconds(5);
    private readonly ReconcileTiming _timing;
    private const string ReadTimerKey = "read";
    /// <summary>How soon a failed read of the object is tried again.</summary>
    private static readonly TimeSpan ReadRetry = TimeSpan.FromSeconds(2);
    private readonly ObjectLoader _loader;
    /// <summary>Cancelled when the entity stops: ends a read under way.</summary>
    private readonly CancellationTokenSource _lifetime = new();
    private bool _reading;
    private bool _readAgain;
    private readonly ReconcileLog _reconcileLog;
    private ObjectView? _view;
    private CancellationTokenSource _work = new();
    /// <summary>What to do with the result of the work under way; null when none runs.</summary>
    private Action<object?, Exception?>? _running;
    private CancellationToken _runningToken;
    /// <summary>Whether the work under way is a finalize round: never stale (the object is going away).</summary>
    private bool _finalizing;
    private bool _reconcilePending;
    private bool _finalizePending;

    protected ReconcilingEntity(string entityId, IReconcileHandler handler, ShardRegions regions, ReconcileTiming timing,
        ObjectLoader loader)
    {
        EntityId = entityId;
        _reconcileLog = new ReconcileLog(Context.System, entityId);
        Handler = handler;
        Regions = regions;
        _timing = timing;
        _loader = loader;

        Receive<ObjectChanged>(m =>
        {
            if (!ObjectView.IsNoNewerThan(m.ResourceVersion, _view))
                ReadNow();
        });
        Receive<ReadObject>(_ =>
        {
            if (!HasObject && !_reading)
                ReadNow();
        });
        Receive<ObjectRead>(m => OnObjectRead(m.Object));
        Receive<ObjectReadFailed>(m =>
        {
            _reading = false;
            // The API server is unreachable or refused: read again shortly (the watcher's relist would too, later).
            Log.Warning("{0}: could not read its object, retrying in {1}: {2}", EntityId, ReadRetry, m.Error.Message);
            Timers.StartSingleTimer(ReadTimerKey, new ObjectChanged(EntityId, null), ReadRetry);
        });
        ReceiveAsync<ObjectDeleted>(async _ =>
        {
            CancelWork();
            Timers.CancelAll();
            await OnDeletedAsync(_work.Token);
            Context.Parent.Tell(new Passivate(PoisonPill.Instance));
        });
        Receive<IntervalElapsed>(_ =>
        {
            OnInterval();
            RequestReconcile();
        });
        Receive<ReconcileNow>(_ => DispatchPending());
        Receive<ReconcileRequested>(_ => RequestReconcile());
        Receive<FinalizeNow>(_ =>
        {
            _finalizePending = true;
            DispatchPending();
        });
        Receive<WorkDone>(m =>
        {
            var then = _running!;
            _running = null;
            _finalizing = false;
            Reconciling = false;
            // Work cancelled as stale reports nothing: what cancelled it asked for the work that follows.
            if (!(m.Error is OperationCanceledException && _runningToken.IsCancellationRequested))
                then(m.Result, m.Error);
            DispatchPending();
        });
    }

    protected override void PreStart()
    {
        base.PreStart();
        TideMetrics.EntityStarted(EntityId);
        // Sharding (remember-entities) restarts entities of a lost node's shards with no message: read the object.
        Self.Tell(ReadObject.Instance);
    }

    protected override void PostStop()
    {
        _work.Cancel();
        _lifetime.Cancel();
        TideMetrics.EntityStopped(EntityId);
        base.PostStop();
    }

    /// <summary>Reads the object from the cluster (or the loader's cache), once at a time: news that arrives during a
    /// read asks for one more read after it. A loader that answers at once is adopted at once, before the messages
    /// that follow.</summary>
    private void ReadNow()
    {
        if (_reading)
        {
            _readAgain = true;
            return;
        }
        _reading = true;
        Timers.Cancel(ReadTimerKey);
        var read = _loader(EntityId, _lifetime.Token);
        if (read.IsCompletedSuccessfully)
            OnObjectRead(read.Result);
        else
            read.PipeTo(Self, success: obj => new ObjectRead(obj), failure: e => new ObjectReadFailed(e));
    }

    private void OnObjectRead(JsonObject? obj)
    {
        _reading = false;
        if (obj is not null)
            Adopt(obj);
        // Gone (deleted while no node ran this entity), or not created yet by the user that others wait for. An
        // object that disappears later is stopped by the watcher's deletion.
        else if (!HasObject && !HasListeners)
            Self.Tell(new ObjectDeleted(EntityId));
        if (_readAgain)
        {
            _readAgain = false;
            ReadNow();
        }
    }

    public ITimerScheduler Timers { get; set; } = null!;

    protected string EntityId { get; }

    protected IReconcileHandler Handler { get; }

    protected ShardRegions Regions { get; }

    protected ILoggingAdapter Log { get; } = Context.GetLogger();

    /// <summary>The newest version of the object seen, compact: a parsed JsonNode would keep its JsonDocument's two
    /// pooled 8 KiB buffers alive besides its own tree, most of what an idle entity held (bench `steady`,
    /// dotnet-gcdump). Parsed again for each piece of work.</summary>
    private byte[]? _object;

    /// <summary>The newest version of the object seen (a fresh copy on each read), or null before the watcher
    /// delivered it.</summary>
    protected JsonObject? Object => _object is null ? null : JsonNode.Parse(_object)!.AsObject();

    /// <summary>Whether the object was seen.</summary>
    protected bool HasObject => _object is not null;

    /// <summary>The artifact handed to the handler (consumers: their source's).</summary>
    protected virtual ArtifactLocation? InputArtifact => null;

    /// <summary>Whether other entities wait for news from this one: then an entity whose object does not exist
    /// (yet) stays, to tell them when it is created, instead of stopping.</summary>
    protected virtual bool HasListeners => false;

    /// <summary>Whether work (a reconcile, a health round, a finalize round) is under way.</summary>
    protected bool Busy => _running is not null;

    /// <summary>Whether the work under way is a reconcile: news about what it may change (its own writes coming back
    /// through a watch) is judged against its result, once it ends.</summary>
    protected bool Reconciling { get; private set; }

    /// <summary>A new version of the object arrived (before the decision to reconcile).</summary>
    protected virtual void OnObjectSeen(JsonObject obj)
    {
    }

    /// <summary>The interval timer fired (before the reconcile it triggers).</summary>
    protected virtual void OnInterval()
    {
    }

    /// <summary>A reconcile is about to start.</summary>
    protected virtual void OnReconcileStarting()
    {
    }

    /// <summary>A reconcile finished (not cancelled).</summary>
    protected virtual void OnReconciled(ReconcileOutcome outcome)
    {
    }

    /// <summary>The object was deleted; the entity stops after this.</summary>
    protected virtual Task OnDeletedAsync(CancellationToken ct) => Task.CompletedTask;

    /// <summary>Takes <paramref name="obj"/> as the entity's copy unless it is older than the one it holds, and
    /// decides what it asks for.</summary>
    protected void Adopt(JsonObject obj)
    {
        var view = ObjectView.Of(obj);
        var previous = _view;
        if (view.IsNoNewerThan(previous))
            return;
        // No reconciler reads the object's own field ownership, and it is much of what an idle entity would hold.
        (obj["metadata"] as JsonObject)?.Remove("managedFields");
        _object = JsonSerializer.SerializeToUtf8Bytes(obj);
        _view = view;
        TideMetrics.Observe(EntityId, obj);
        OnObjectSeen(obj);
        if (view.Deleting)
        {
            Timers.Cancel(TimerKey);
            if (previous is not { Deleting: true })
            {
                CancelWork();
                Self.Tell(FinalizeNow.Instance);
            }
            return;
        }
        if (previous is not null && previous.Generation != view.Generation)
            CancelWork();
        if (view.Suspended)
        {
            Timers.Cancel(TimerKey);
            return;
        }
        if (view.AsksToReconcileAfter(previous))
            RequestReconcile();
    }

    /// <summary>Cancels the work under way (it became stale) and renews the token for the work that follows.</summary>
    protected void CancelWork()
    {
        if (!Busy || _finalizing)
            return;
        _work.Cancel();
        _work = new CancellationTokenSource();
    }

    /// <summary>Asks for a reconcile; requests that arrive before it runs are one reconcile.</summary>
    protected void RequestReconcile()
    {
        if (_reconcilePending)
            return;
        _reconcilePending = true;
        if (!Busy)
            Self.Tell(ReconcileNow.Instance);
    }

    /// <summary>Runs <paramref name="work"/> off the mailbox with the entity's token; <paramref name="then"/> gets its
    /// result (or its exception) back on the entity's thread, unless the work was cancelled as stale. One piece of
    /// work at a time: callers check <see cref="Busy"/>.</summary>
    protected void StartWork<T>(Func<CancellationToken, Task<T>> work, Action<T?, Exception?> then)
    {
        _running = (result, error) => then(error is null ? (T?)result : default, error);
        var token = _runningToken = _work.Token;
        Task.Run(() => work(token), token).ContinueWith(
            t => new WorkDone(t.IsCompletedSuccessfully ? t.Result : null,
                t.IsCompletedSuccessfully ? null : t.Exception?.GetBaseException() ?? new OperationCanceledException(token)),
            TaskScheduler.Default).PipeTo(Self);
    }

    /// <summary>Starts what waits, once nothing runs: finalizing a deleting object first, else a requested reconcile.</summary>
    private void DispatchPending()
    {
        if (Busy)
            return;
        if (_view is { Deleting: true })
        {
            if (_finalizePending)
                FinalizeObject();
            return;
        }
        if (!_reconcilePending)
            return;
        // Without an object, or suspended, the request lapses: the object's arrival or resumption asks again.
        if (!HasObject || _view is { Suspended: true })
            _reconcilePending = false;
        else
            Reconcile();
    }

    private void Reconcile()
    {
        _reconcilePending = false;
        Timers.Cancel(TimerKey);
        OnReconcileStarting();
        var obj = Object!;
        var artifact = InputArtifact;
        var started = Stopwatch.GetTimestamp();
        Reconciling = true;
        StartWork(ct => Handler.ReconcileAsync(obj, artifact, ct), (outcome, error) =>
        {
            TideMetrics.Reconciled(EntityId, Stopwatch.GetElapsedTime(started), outcome is { Succeeded: true });
            if (outcome is null)
            {
                // The handler writes status for every failure it knows of; this one escaped it (e.g. the status
                // write itself failed): retry on the backoff, never fatal.
                Log.Error(error, "{0}: reconcile failed unexpectedly", EntityId);
                outcome = new ReconcileOutcome(false, TimeSpan.Zero, Message: error?.Message ?? "") { Backoff = true };
            }
            else if (outcome.Error is { } unexpected)
            {
                Log.Error(unexpected, "{0}: reconcile failed unexpectedly (written to status)", EntityId);
            }
            _reconcileLog.Outcome(outcome, Stopwatch.GetElapsedTime(started));
            if (outcome.Written is { } written)
                Adopt(written);
            OnReconciled(outcome);
            ScheduleNext(outcome);
        });
    }

    private void FinalizeObject()
    {
        _finalizePending = false;
        var obj = Object!;
        _finalizing = true;
        StartWork(ct => Handler.FinalizeAsync(obj, ct), (lookAgainAfter, error) =>
        {
            if (error is null)
            {
                // Done: the API server removes the object and the watcher's DELETED stops the entity. Else what it
                // deleted is still terminating: look again on a tick.
                if (lookAgainAfter is { } again)
                    Timers.StartSingleTimer(FinalizeTimerKey, FinalizeNow.Instance, again);
                return;
            }
            Log.Warning("{0}: finalizing failed, retrying: {1}", EntityId, error.Message);
            Timers.StartSingleTimer(FinalizeTimerKey, FinalizeNow.Instance, FinalizeRetry);
        });
    }

    /// <summary>Starts the interval (or retry) timer the outcome asks for.</summary>
    protected void ScheduleNext(ReconcileOutcome outcome)
    {
        if (_timing.Next(outcome) is { } next)
            Timers.StartSingleTimer(TimerKey, IntervalElapsed.Instance, next);
    }

    private sealed class FinalizeNow
    {
        public static readonly FinalizeNow Instance = new();
    }

    /// <summary>Read the object from the cluster on start, unless a change announced meanwhile already did.</summary>
    private sealed class ReadObject
    {
        public static readonly ReadObject Instance = new();
    }

    /// <summary>A read of the object ended (local only: it carries the object, null when it does not exist).</summary>
    private sealed record ObjectRead(JsonObject? Object) : INoSerializationVerificationNeeded;

    private sealed record ObjectReadFailed(Exception Error) : INoSerializationVerificationNeeded;

    /// <summary>The work under way ended (local only: it carries the work's result objects and exception).</summary>
    private sealed record WorkDone(object? Result, Exception? Error) : INoSerializationVerificationNeeded;
}
