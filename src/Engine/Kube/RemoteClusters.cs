using System.Security.Cryptography;
using k8s;

namespace Tide.Engine.Kube;

/// <summary>
/// The clients of remote clusters (Kustomizations' spec.kubeConfig), one per distinct kubeconfig, kept while in use
/// and for <see cref="IdleTimeout"/> after: each has its own connections and its own <see cref="ClusterLimits"/>, so
/// a slow or unreachable cluster queues only its own requests, and a reconcile does not parse a kubeconfig and open
/// new connections every time. A kubeconfig whose content changes (a rotated Secret) is another client; the old one
/// goes once idle.
/// </summary>
public sealed class RemoteClusters(ClusterLimits limits, TimeProvider time) : IDisposable
{
    /// <summary>How long a client nobody uses is kept.</summary>
    public static readonly TimeSpan IdleTimeout = TimeSpan.FromMinutes(10);

    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _opening = new(1, 1);

    public RemoteClusters() : this(ClusterLimits.Unlimited, TimeProvider.System)
    {
    }

    /// <summary>How many clients are kept (in use or idle).</summary>
    public int Count
    {
        get
        {
            lock (_entries)
                return _entries.Count;
        }
    }

    /// <summary>The client of the cluster <paramref name="kubeconfig"/> describes (its current context), to dispose when
    /// done. Throws what KubernetesClient's loader throws for an unusable kubeconfig.</summary>
    public async Task<RemoteCluster> OpenAsync(byte[] kubeconfig, CancellationToken ct)
    {
        var key = Convert.ToHexStringLower(SHA256.HashData(kubeconfig));
        if (TryLease(key) is { } leased)
            return leased;
        // One parse at a time: many reconciles of a new cluster start together, and parsing is the costly part.
        await _opening.WaitAsync(ct);
        try
        {
            if (TryLease(key) is { } raced)
                return raced;
            using var stream = new MemoryStream(kubeconfig);
            var configuration = await KubernetesClientConfiguration.BuildConfigFromConfigFileAsync(stream);
            var entry = new Entry(new KubeClient(configuration, limits), configuration.Host ?? "");
            lock (_entries)
            {
                EvictIdle();
                _entries[key] = entry;
                entry.Users++;
            }
            return new RemoteCluster(entry.Client, entry.Server, () => Release(entry));
        }
        finally
        {
            _opening.Release();
        }
    }

    private RemoteCluster? TryLease(string key)
    {
        lock (_entries)
        {
            if (!_entries.TryGetValue(key, out var entry))
                return null;
            entry.Users++;
            return new RemoteCluster(entry.Client, entry.Server, () => Release(entry));
        }
    }

    private void Release(Entry entry)
    {
        lock (_entries)
        {
            entry.Users--;
            entry.LastUsed = time.GetUtcNow();
        }
    }

    /// <summary>Disposes the clients nobody used for <see cref="IdleTimeout"/> (under the lock).</summary>
    private void EvictIdle()
    {
        var now = time.GetUtcNow();
        foreach (var (key, entry) in _entries.Where(e => e.Value.Users == 0 && now - e.Value.LastUsed > IdleTimeout).ToList())
        {
            _entries.Remove(key);
            entry.Client.Dispose();
        }
    }

    public void Dispose()
    {
        lock (_entries)
        {
            foreach (var entry in _entries.Values)
                entry.Client.Dispose();
            _entries.Clear();
        }
        _opening.Dispose();
    }

    private sealed class Entry(KubeClient client, string server)
    {
        public KubeClient Client { get; } = client;
        public string Server { get; } = server;
        public int Users { get; set; }
        public DateTimeOffset LastUsed { get; set; }
    }
}
