using System.Threading.Channels;

namespace Tide.ApiServer.Storage;

/// <summary>One open watch: the store writes its events into a bounded channel under the write lock, the HTTP side
/// reads them asynchronously (no thread per watch). A watcher that falls too far behind is closed (Overflowed) and
/// resumes from its last resourceVersion, as Kubernetes clients do.</summary>
internal sealed class WatchSubscription : IDisposable
{
    private readonly Channel<WatchEvent> _events;
    private readonly Action<WatchSubscription> _unsubscribe;

    public WatchSubscription(string storage, bool bookmarks, int capacity, Action<WatchSubscription> unsubscribe)
    {
        Storage = storage;
        WantsBookmarks = bookmarks;
        _unsubscribe = unsubscribe;
        _events = Channel.CreateBounded<WatchEvent>(new BoundedChannelOptions(capacity)
        {
            SingleReader = true,
            SingleWriter = false,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    /// <summary>The storage key watched, or "*" for every resource.</summary>
    public string Storage { get; }

    public bool WantsBookmarks { get; }

    public bool Overflowed { get; private set; }

    public ChannelReader<WatchEvent> Events => _events.Reader;

    internal void Offer(WatchEvent e)
    {
        if (Overflowed || _events.Writer.TryWrite(e)) return;
        Overflowed = true;
        _events.Writer.TryComplete();
    }

    internal void Close() => _events.Writer.TryComplete();

    public void Dispose() => _unsubscribe(this);
}
