namespace Tide.Engine.Kube;

/// <summary>A lease on a pooled remote cluster's client (<see cref="RemoteClusters"/>): dispose it when done, not the
/// client.</summary>
public sealed class RemoteCluster(KubeClient client, string server, Action release) : IDisposable
{
    private int _released;

    public KubeClient Client { get; } = client;

    /// <summary>The API server's URL, as the kubeconfig names it.</summary>
    public string Server { get; } = server;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _released, 1) == 0)
            release();
    }
}
