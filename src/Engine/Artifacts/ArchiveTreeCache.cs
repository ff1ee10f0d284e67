namespace Tide.Engine.Artifacts;

/// <summary>
/// Unpacked artifacts kept in memory by digest, so every Kustomization of one source revision builds from one
/// <see cref="ArchiveTree"/> instead of unpacking the artifact again (on a slow disk, that churn cost most of a
/// reconcile). Holds at most <paramref name="budgetBytes"/>, evicting the least recently used; a tree larger than
/// <paramref name="maxTreeBytes"/> is handed to the builds that asked for it but not kept, so one huge artifact
/// cannot push out every other. Concurrent requests for one digest share one unpack.
/// </summary>
public sealed class ArchiveTreeCache(long budgetBytes, long maxTreeBytes)
{
    public const long DefaultBudgetBytes = 256L * 1024 * 1024;
    public const long DefaultMaxTreeBytes = 64L * 1024 * 1024;

    private readonly Lock _lock = new();
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    /// <summary>Digests, most recently used first.</summary>
    private readonly LinkedList<string> _recency = new();
    private long _heldBytes;

    public ArchiveTreeCache() : this(DefaultBudgetBytes, DefaultMaxTreeBytes)
    {
    }

    /// <summary>The bytes held by the trees kept now.</summary>
    public long HeldBytes
    {
        get
        {
            lock (_lock)
                return _heldBytes;
        }
    }

    /// <summary>The tree of <paramref name="digest"/>, from <paramref name="unpack"/> if it is not kept. The unpack
    /// is not cancelled with one caller's <paramref name="cancellationToken"/>, since other builds may wait for it; a
    /// failed unpack is not kept, so the next request tries again.</summary>
    public async Task<ArchiveTree> GetAsync(string digest, Func<Task<ArchiveTree>> unpack, CancellationToken cancellationToken)
    {
        Task<ArchiveTree> tree;
        lock (_lock)
        {
            if (_entries.TryGetValue(digest, out var entry))
            {
                _recency.Remove(entry.Recency);
                _recency.AddFirst(entry.Recency);
                tree = entry.Tree;
            }
            else
            {
                tree = Task.Run(unpack, CancellationToken.None);
                entry = new Entry(tree, _recency.AddFirst(digest));
                _entries[digest] = entry;
                tree.ContinueWith(_ => Settle(entry), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously,
                    TaskScheduler.Default);
            }
        }
        return await tree.WaitAsync(cancellationToken);
    }

    /// <summary>Once an unpack is done: keep the tree and evict down to the budget, or forget it.</summary>
    private void Settle(Entry entry)
    {
        lock (_lock)
        {
            if (!entry.Tree.IsCompletedSuccessfully || entry.Tree.Result.SizeBytes > maxTreeBytes)
            {
                Forget(entry);
                return;
            }
            entry.SizeBytes = entry.Tree.Result.SizeBytes;
            _heldBytes += entry.SizeBytes;
            for (var node = _recency.Last; node is not null && _heldBytes > budgetBytes;)
            {
                var previous = node.Previous;
                // Unpacks still running are not counted yet, so they are not evicted either.
                if (_entries[node.Value] is { Tree.IsCompleted: true } oldest && oldest != entry)
                    Forget(oldest);
                node = previous;
            }
        }
    }

    private void Forget(Entry entry)
    {
        _entries.Remove(entry.Recency.Value);
        _recency.Remove(entry.Recency);
        _heldBytes -= entry.SizeBytes;
    }

    private sealed class Entry(Task<ArchiveTree> tree, LinkedListNode<string> recency)
    {
        public Task<ArchiveTree> Tree { get; } = tree;
        public LinkedListNode<string> Recency { get; } = recency;
        public long SizeBytes { get; set; }
    }
}
