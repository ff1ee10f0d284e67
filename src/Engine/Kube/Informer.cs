namespace Tide.Engine.Kube;

/// <summary>
/// Keeps a consumer up to date with one kind's objects, as client-go's informers do: list, then watch from the list's
/// resourceVersion (bookmarks move it on; a watch the server ends is resumed from it), list again on 410 Gone and
/// every <see cref="RelistInterval"/>, and after a failure wait with exponential backoff before listing again.
/// </summary>
public sealed class Informer(KubeClient kube, string apiVersion, string kind, string? labelSelector = null)
{
    private static readonly TimeSpan FirstBackoff = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);

    /// <summary>How often everything is listed again (null: only when the watch expires).</summary>
    public TimeSpan? RelistInterval { get; init; }

    /// <summary>Feeds <paramref name="handle"/> until <paramref name="ct"/> is cancelled; then returns.</summary>
    public async Task RunAsync(Func<InformerEvent, ValueTask> handle, CancellationToken ct)
    {
        var backoff = FirstBackoff;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                var list = await kube.ListAsync(apiVersion, kind, null, labelSelector, ct);
                await handle(new InformerEvent.Listed(list.Items));
                backoff = FirstBackoff;
                await WatchAsync(list.ResourceVersion, handle, ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (KubeApiException e) when (e.IsGone)
            {
                // The resourceVersion expired: list again at once.
            }
            catch (Exception e) when (e is KubeApiException or HttpRequestException or IOException or System.Text.Json.JsonException)
            {
                await handle(new InformerEvent.Retrying(e.Message, backoff));
                try
                {
                    await Task.Delay(backoff, ct);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
            }
        }
    }

    /// <summary>Watches until the relist interval passes (then returns, so that the caller lists again).</summary>
    private async Task WatchAsync(string resourceVersion, Func<InformerEvent, ValueTask> handle, CancellationToken ct)
    {
        using var window = CancellationTokenSource.CreateLinkedTokenSource(ct);
        if (RelistInterval is { } relist)
            window.CancelAfter(relist);
        try
        {
            while (!window.IsCancellationRequested)
            {
                await foreach (var e in kube.WatchAsync(apiVersion, kind, null, resourceVersion, labelSelector, window.Token))
                {
                    resourceVersion = e.ResourceVersion ?? resourceVersion;
                    if (e.Type == "BOOKMARK")
                        continue;
                    e.Object["apiVersion"] ??= apiVersion;
                    e.Object["kind"] ??= kind;
                    await handle(e.Type == "DELETED" ? new InformerEvent.Deleted(e.Object) : new InformerEvent.Changed(e.Object));
                }
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            // The relist interval passed.
        }
    }
}
