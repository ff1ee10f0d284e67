using Akka.Actor;
using Akka.Event;
using Tide.Actors.Sharding;
using Tide.Engine.Kube;

namespace Tide.Actors.Watchers;

/// <summary>
/// Streams one kind's objects into its shard region (a cluster singleton per kind, so the API server sees one watch
/// per kind whatever the number of nodes). Lists first and sends every object to its entity (which restarts entities
/// after a rebalance or a lost node), then watches from the list's resourceVersion, resumes after the server closes a
/// watch, and lists again on 410 Gone.
/// </summary>
public sealed class KindWatcher : ReceiveActor
{
    private readonly CancellationTokenSource _stop = new();

    public KindWatcher(KubeClient kube, ShardRegions regions, string apiVersion, string kind, TimeSpan relistInterval)
    {
        var log = Context.GetLogger();
        _ = Task.Run(() => RunAsync(kube, regions, apiVersion, kind, relistInterval, log, _stop.Token));
        ReceiveAny(_ => { });
    }

    public static Props Props(KubeClient kube, ShardRegions regions, string apiVersion, string kind, TimeSpan relistInterval) =>
        Akka.Actor.Props.Create(() => new KindWatcher(kube, regions, apiVersion, kind, relistInterval));

    private static async Task RunAsync(KubeClient kube, ShardRegions regions, string apiVersion, string kind,
        TimeSpan relistInterval, ILoggingAdapter log, CancellationToken ct)
    {
        var known = new HashSet<string>(StringComparer.Ordinal);
        var backoff = TimeSpan.FromMilliseconds(200);
        while (!ct.IsCancellationRequested)
        {
            try
            {
                var list = await kube.ListAsync(apiVersion, kind, null, null, ct);
                var listed = new HashSet<string>(StringComparer.Ordinal);
                foreach (var item in list.Items)
                {
                    var id = IdOf(kind, item);
                    listed.Add(id);
                    regions.Tell(new ObjectChanged(id, item.ToJsonString()));
                }
                foreach (var gone in known.Except(listed))
                    regions.Tell(new ObjectDeleted(gone));
                known = listed;
                backoff = TimeSpan.FromMilliseconds(200);

                // Watch until the relist interval passes: a periodic relist re-sends every object, which heals
                // entities that a lost node or a rebalance left stopped.
                using var watchWindow = CancellationTokenSource.CreateLinkedTokenSource(ct);
                watchWindow.CancelAfter(relistInterval);
                var resourceVersion = list.ResourceVersion;
                try
                {
                    while (!watchWindow.IsCancellationRequested)
                    {
                        await foreach (var e in kube.WatchAsync(apiVersion, kind, null, resourceVersion, null, watchWindow.Token))
                        {
                            resourceVersion = e.ResourceVersion ?? resourceVersion;
                            if (e.Type == "BOOKMARK")
                                continue;
                            var id = IdOf(kind, e.Object);
                            e.Object["apiVersion"] ??= apiVersion;
                            e.Object["kind"] ??= kind;
                            if (e.Type == "DELETED")
                            {
                                known.Remove(id);
                                regions.Tell(new ObjectDeleted(id));
                            }
                            else
                            {
                                known.Add(id);
                                regions.Tell(new ObjectChanged(id, e.Object.ToJsonString()));
                            }
                        }
                    }
                }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                {
                    // The relist interval passed.
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (KubeApiException e) when (e.IsGone)
            {
                log.Debug("watch of {0} expired; listing again", kind);
            }
            catch (Exception e) when (e is KubeApiException or HttpRequestException or IOException or System.Text.Json.JsonException)
            {
                log.Warning("watch of {0} failed: {1}; retrying in {2}", kind, e.Message, backoff);
                try
                {
                    await Task.Delay(backoff, ct);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, TimeSpan.FromSeconds(30).Ticks));
            }
        }
    }

    private static string IdOf(string kind, System.Text.Json.Nodes.JsonObject obj)
    {
        var target = ObjectRef.Of(obj);
        return EntityId.Of(kind, target.Namespace, target.Name);
    }

    protected override void PostStop()
    {
        _stop.Cancel();
        _stop.Dispose();
        base.PostStop();
    }
}
