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
        Entry? entry;
        var started = false;
        lock (_lock)
        {
            if (_entries.TryGetValue(digest, out entry))
            {
                _recency.Remove(entry.Recency);
                _recency.AddFirst(entry.Recency);
            }
            else
            {
                entry = new Entry(_recency.AddFirst(digest));
                _entries[digest] = entry;
                started = true;
            }
        }
        if (started)
            _ = Task.Run(() => UnpackAsync(entry, unpack), CancellationToken.None);
        return await entry.Tree.Task.WaitAsync(cancellationToken);
    }

    /// <summary>Unpacks, then keeps the tree (evicting down to the budget) or forgets it, before anyone sees it, so a
    /// request after this one finds the cache settled.</summary>
    private async Task UnpackAsync(Entry entry, Func<Task<ArchiveTree>> unpack)
    {
        ArchiveTree tree;
        try
        {
            tree = await unpack();
        }
        catch (Exception e)
        {
            lock (_lock)
                Forget(entry);
            entry.Tree.SetException(e);
            return;
        }
        lock (_lock)
        {
            if (tree.SizeBytes > maxTreeBytes)
                Forget(entry);
            else
                Keep(entry, tree.SizeBytes);
        }
        entry.Tree.SetResult(tree);
    }

    private void Keep(Entry entry, long sizeBytes)
    {
        entry.SizeBytes = sizeBytes;
        _heldBytes += sizeBytes;
        for (var node = _recency.Last; node is not null && _heldBytes > budgetBytes;)
        {
            var previous = node.Previous;
            // Unpacks still running hold nothing yet, so they are not evicted.
            if (_entries[node.Value] is { SizeBytes: > 0 } oldest && oldest != entry)
                Forget(oldest);
            node = previous;
        }
    }

    private void Forget(Entry entry)
    {
        _entries.Remove(entry.Recency.Value);
        _recency.Remove(entry.Recency);
        _heldBytes -= entry.SizeBytes;
    }

    private sealed class Entry(LinkedListNode<string> recency)
    {
        public TaskCompletionSource<ArchiveTree> Tree { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public LinkedListNode<string> Recency { get; } = recency;
        /// <summary>What the kept tree holds; 0 while it is being unpacked.</summary>
        public long SizeBytes { get; set; }
    }
}
