using Akka.Actor;
using Akka.Event;
using Tide.Actors.Entities;
using Tide.Actors.Sharding;
using Tide.Engine.Kube;

namespace Tide.Actors.Watchers;

/// <summary>
/// Streams one kind's objects into its shard region (a cluster singleton per kind, so the API server sees one watch
/// per kind whatever the number of nodes), through an <see cref="Informer"/>: every list sends every object to its
/// entity (which restarts entities after a rebalance or a lost node) and a deletion for those gone meanwhile; the
/// watch's changes follow.
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

    private static Task RunAsync(KubeClient kube, ShardRegions regions, string apiVersion, string kind,
        TimeSpan relistInterval, ILoggingAdapter log, CancellationToken ct)
    {
        var known = new HashSet<string>(StringComparer.Ordinal);
        // A periodic relist re-sends every object, which heals entities that a lost node or a rebalance left stopped.
        var informer = new Informer(kube, apiVersion, kind) { RelistInterval = relistInterval };
        return informer.RunAsync(e =>
        {
            switch (e)
            {
                case InformerEvent.Listed listed:
                    var ids = new HashSet<string>(StringComparer.Ordinal);
                    foreach (var item in listed.Items)
                    {
                        var id = IdOf(kind, item);
                        ids.Add(id);
                        regions.Tell(new ObjectChanged(id, ObjectView.ResourceVersionOf(item)));
                    }
                    foreach (var gone in known.Except(ids))
                        regions.Tell(new ObjectDeleted(gone));
                    known = ids;
                    break;
                case InformerEvent.Changed changed:
                    known.Add(IdOf(kind, changed.Object));
                    regions.Tell(new ObjectChanged(IdOf(kind, changed.Object), ObjectView.ResourceVersionOf(changed.Object)));
                    break;
                case InformerEvent.Deleted deleted:
                    known.Remove(IdOf(kind, deleted.Object));
                    regions.Tell(new ObjectDeleted(IdOf(kind, deleted.Object)));
                    break;
                case InformerEvent.Retrying retrying:
                    log.Warning("watch of {0} failed: {1}; retrying in {2}", kind, retrying.Error, retrying.Delay);
                    break;
            }
            return ValueTask.CompletedTask;
        }, ct);
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
