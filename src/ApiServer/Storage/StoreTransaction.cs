using System.Text.Json.Nodes;
using Tide.ApiServer.Serialization;

namespace Tide.ApiServer.Storage;

/// <summary>The writes of one request, made under the store's write lock on top of the last committed state. Reads see
/// the transaction's own writes. Every object handed out is a private copy: callers mutate it and Put it back.</summary>
internal sealed class StoreTransaction(StoreState committed)
{
    private readonly Dictionary<(string Storage, string Key), JsonObject?> _pending = [];
    private readonly List<StoreChange> _changes = [];
    private readonly List<Action> _afterCommit = [];

    public StoreState Committed => committed;

    public IReadOnlyList<StoreChange> Changes => _changes;

    public IReadOnlyList<Action> AfterCommitActions => _afterCommit;

    /// <summary>Work that must happen only if the transaction commits (serving a CRD's resource), before watchers hear of it.</summary>
    public void AfterCommit(Action action) => _afterCommit.Add(action);

    public JsonObject? Get(string storage, string key)
    {
        if (_pending.TryGetValue((storage, key), out var pending)) return pending?.DeepClone().AsObject();
        return committed.Get(storage, key)?.ToNode();
    }

    public bool Exists(string storage, string key) =>
        _pending.TryGetValue((storage, key), out var pending) ? pending is not null : committed.Get(storage, key) is not null;

    public void Put(string storage, string key, JsonObject obj)
    {
        _pending[(storage, key)] = obj;
        _changes.Add(new StoreChange(storage, key, obj, Deleted: false));
    }

    public void Remove(string storage, string key, JsonObject finalState)
    {
        _pending[(storage, key)] = null;
        _changes.Add(new StoreChange(storage, key, finalState, Deleted: true));
    }

    /// <summary>The (storage, key) of every live object matching <paramref name="filter"/>, committed or pending.</summary>
    public List<(string Storage, string Key)> Find(Func<StoredObject, bool> filter, Func<string, JsonObject, bool> pendingFilter)
    {
        var result = new List<(string, string)>();
        foreach (var obj in committed.All)
        {
            if (!_pending.ContainsKey((obj.Storage, obj.Key)) && filter(obj)) result.Add((obj.Storage, obj.Key));
        }
        foreach (var ((storage, key), obj) in _pending)
        {
            if (obj is not null && pendingFilter(storage, obj)) result.Add((storage, key));
        }
        return result;
    }

    public List<(string Storage, string Key)> FindDependents(string ownerUid) =>
        Find(o => o.OwnerUids.Contains(ownerUid),
            (_, o) => o["metadata"]?["ownerReferences"] is JsonArray refs && refs.Any(r => r.Str("uid") == ownerUid));

    public List<(string Storage, string Key)> FindInNamespace(string ns) =>
        Find(o => o.Namespace == ns, (_, o) => o["metadata"].Str("namespace") == ns);

    public List<(string Storage, string Key)> FindInStorage(string storage) =>
        Find(o => o.Storage == storage, (s, _) => s == storage);
}
