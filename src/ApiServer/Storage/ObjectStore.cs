using System.Collections.Immutable;
using System.Text.Json.Nodes;
using Tide.ApiServer.Http;
using Tide.ApiServer.Serialization;

namespace Tide.ApiServer.Storage;

/// <summary>Every object, one global resourceVersion, the watch history and the open watches.
/// Writes run one at a time under a lock (like etcd's single revision counter): a transaction reads the last
/// committed state, its changes get consecutive revisions, go to disk (when persistent) and only then become visible
/// to readers and watchers. Reads never lock: they use the immutable <see cref="State"/>.</summary>
internal sealed class ObjectStore : IDisposable
{
    private readonly Lock _gate = new();
    private readonly DurableLog? _log;
    private readonly WatchEvent?[] _history;
    private readonly int _watchCapacity;
    private readonly Dictionary<string, HashSet<WatchSubscription>> _watchers = [];
    private readonly Timer? _bookmarks;
    private StoreState _state;
    private int _historyStart;
    private int _historyCount;
    private long _compactedRevision;

    public ObjectStore(int historyCapacity, TimeSpan bookmarkInterval, string? dataDirectory, int watchCapacity = 10_000)
    {
        _history = new WatchEvent?[Math.Max(1, historyCapacity)];
        _watchCapacity = watchCapacity;
        _state = StoreState.Empty;
        if (dataDirectory is not null)
        {
            var (log, revision, objects) = DurableLog.Open(dataDirectory);
            _log = log;
            var resources = ImmutableDictionary<string, ImmutableSortedDictionary<string, StoredObject>>.Empty;
            foreach (var (storage, obj) in objects)
            {
                var stored = StoredObject.From(storage, obj, Json.ToUtf8(obj),
                    long.TryParse(obj["metadata"].Str("resourceVersion"), out var rv) ? rv : revision);
                var map = resources.GetValueOrDefault(storage) ?? StoreState.EmptyResource;
                resources = resources.SetItem(storage, map.SetItem(stored.Key, stored));
            }
            _state = new StoreState(revision, resources);
            // Events before the restart are gone: watches must start at or after the recovered revision.
            _compactedRevision = revision;
        }
        if (bookmarkInterval > TimeSpan.Zero)
        {
            _bookmarks = new Timer(_ => SendBookmarks(), null, bookmarkInterval, bookmarkInterval);
        }
    }

    public StoreState State => Volatile.Read(ref _state);

    /// <summary>Runs <paramref name="work"/> under the write lock and commits its changes unless <paramref name="dryRun"/>.
    /// An exception from the work commits nothing.</summary>
    public T Write<T>(Func<StoreTransaction, T> work, bool dryRun = false)
    {
        lock (_gate)
        {
            var tx = new StoreTransaction(_state);
            var result = work(tx);
            if (!dryRun && tx.Changes.Count > 0) Commit(tx.Changes, tx.AfterCommitActions);
            return result;
        }
    }

    private void Commit(IReadOnlyList<StoreChange> changes, IReadOnlyList<Action> afterCommit)
    {
        var state = _state;
        var revision = state.Revision;
        var resources = state.Resources;
        var written = new List<(long, StoreChange, byte[])>(changes.Count);
        var events = new List<WatchEvent>(changes.Count);
        foreach (var change in changes)
        {
            revision++;
            change.Object.Metadata()["resourceVersion"] = revision.ToString();
            var json = Json.ToUtf8(change.Object);
            var stored = StoredObject.From(change.Storage, change.Object, json, revision);
            var map = resources.GetValueOrDefault(change.Storage) ?? StoreState.EmptyResource;
            var existed = map.TryGetValue(change.Key, out var previous);
            map = change.Deleted ? map.Remove(change.Key) : map.SetItem(change.Key, stored);
            resources = resources.SetItem(change.Storage, map);
            written.Add((revision, change, json));
            events.Add(new WatchEvent(change.Deleted ? WatchEvent.Deleted : existed ? WatchEvent.Modified : WatchEvent.Added,
                revision, stored, previous));
        }
        _log?.Append(written);
        Volatile.Write(ref _state, new StoreState(revision, resources));
        foreach (var action in afterCommit) action();
        foreach (var e in events)
        {
            Remember(e);
            Dispatch(e);
        }
    }

    private void Remember(WatchEvent e)
    {
        if (_historyCount == _history.Length)
        {
            _compactedRevision = _history[_historyStart]!.ResourceVersion;
            _history[_historyStart] = e;
            _historyStart = (_historyStart + 1) % _history.Length;
        }
        else
        {
            _history[(_historyStart + _historyCount) % _history.Length] = e;
            _historyCount++;
        }
    }

    private void Dispatch(WatchEvent e)
    {
        if (_watchers.TryGetValue(e.Object!.Storage, out var watchers))
        {
            foreach (var w in watchers) w.Offer(e);
        }
        if (_watchers.TryGetValue("*", out var all))
        {
            foreach (var w in all) w.Offer(e);
        }
    }

    /// <summary>Opens a watch on <paramref name="storage"/> ("*": everything). With <paramref name="fromRevision"/> the
    /// watch first receives every retained event after it (410 Expired if some were already dropped); without, it starts
    /// at <paramref name="snapshot"/>, the state it is consistent with.</summary>
    public WatchSubscription Watch(string storage, long? fromRevision, bool bookmarks, out StoreState snapshot)
    {
        lock (_gate)
        {
            snapshot = _state;
            if (fromRevision is { } from && from < _compactedRevision)
            {
                throw ApiException.Expired($"too old resource version: {from} ({_compactedRevision})");
            }
            var subscription = new WatchSubscription(storage, bookmarks, _watchCapacity, Unsubscribe);
            if (fromRevision is { } since)
            {
                for (var i = 0; i < _historyCount; i++)
                {
                    var e = _history[(_historyStart + i) % _history.Length]!;
                    if (e.ResourceVersion > since && (storage == "*" || e.Object!.Storage == storage)) subscription.Offer(e);
                }
            }
            if (!_watchers.TryGetValue(storage, out var set)) _watchers[storage] = set = [];
            set.Add(subscription);
            return subscription;
        }
    }

    public int WatchCount
    {
        get
        {
            lock (_gate) return _watchers.Values.Sum(s => s.Count);
        }
    }

    private void Unsubscribe(WatchSubscription subscription)
    {
        lock (_gate)
        {
            if (_watchers.TryGetValue(subscription.Storage, out var set)) set.Remove(subscription);
            subscription.Close();
        }
    }

    /// <summary>A bookmark carries the current revision: every event up to it is already in the watcher's channel,
    /// so a client resuming from the bookmark misses nothing.</summary>
    private void SendBookmarks()
    {
        lock (_gate)
        {
            var bookmark = new WatchEvent(WatchEvent.Bookmark, _state.Revision, null);
            foreach (var set in _watchers.Values)
            {
                foreach (var w in set)
                {
                    if (w.WantsBookmarks) w.Offer(bookmark);
                }
            }
        }
    }

    /// <summary>Ends every open watch (their streams finish; clients re-watch from their last resourceVersion).</summary>
    public void CloseWatches()
    {
        lock (_gate)
        {
            foreach (var w in _watchers.Values.SelectMany(s => s)) w.Close();
            _watchers.Clear();
        }
    }

    public void Dispose()
    {
        _bookmarks?.Dispose();
        CloseWatches();
        lock (_gate) _log?.Dispose();
    }
}
