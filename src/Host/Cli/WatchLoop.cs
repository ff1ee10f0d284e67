using Tide.Engine.Kube;

namespace Tide.Host.Cli;

/// <summary>The `--watch` of `get` and `events`: follows a collection from a resourceVersion until Ctrl+C, watching
/// again when the server ends a watch and from now on when the version expired (410 Gone).</summary>
public static class WatchLoop
{
    public static async Task RunAsync(KubeClient kube, string apiVersion, string kind, string? ns, string version,
        Action<WatchEvent> onChange, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await foreach (var change in kube.WatchAsync(apiVersion, kind, ns, version, null, ct))
                {
                    version = change.ResourceVersion ?? version;
                    if (change.Type is "ADDED" or "MODIFIED")
                        onChange(change);
                }
            }
            catch (KubeApiException e) when (e.IsGone)
            {
                version = (await kube.ListAsync(apiVersion, kind, ns, null, ct)).ResourceVersion;
            }
        }
    }
}
