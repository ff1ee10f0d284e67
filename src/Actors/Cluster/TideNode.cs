using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Cluster.Tools.Singleton;
using Akka.Configuration;
using Akka.Hosting.Logging;
using Microsoft.Extensions.Logging;
using Tide.Actors.Entities;
using Tide.Actors.Sharding;
using Tide.Actors.Watchers;
using Tide.Engine.Kube;

namespace Tide.Actors.Cluster;

/// <summary>
/// One Tide node: an actor system in the Akka cluster, a shard region per entity kind, and (as cluster singletons) a
/// watcher per kind that feeds the regions. With no seed nodes configured the node forms a one-node cluster.
/// </summary>
public sealed class TideNode : IAsyncDisposable
{
    private TideNode(ActorSystem system, ShardRegions regions)
    {
        System = system;
        Regions = regions;
    }

    public ActorSystem System { get; }

    public ShardRegions Regions { get; }

    public Akka.Actor.Address Address => Akka.Cluster.Cluster.Get(System).SelfAddress;

    /// <summary>How many members of the cluster are Up, as this node sees it.</summary>
    public int MemberCount => Akka.Cluster.Cluster.Get(System).State.Members.Count(m => m.Status == Akka.Cluster.MemberStatus.Up);

    /// <param name="progress">Where membership changes are reported (null: not reported).</param>
    /// <param name="logging">Where Akka's logs and the entities' go (null: Akka's own loggers, entities log nothing).</param>
    public static async Task<TideNode> StartAsync(Config config, KubeClient kube, IReadOnlyList<EntityKind> kinds,
        Action<string>? progress, ILoggerFactory? logging, CancellationToken ct)
    {
        var settings = TideSettings.From(config);
        var system = logging is null ? ActorSystem.Create("tide", config)
            : ActorSystem.Create("tide", BootstrapSetup.Create()
                .WithConfig(ConfigurationFactory.ParseString(
                    "akka.loggers = [\"Akka.Hosting.Logging.LoggerFactoryLogger, Akka.Hosting\"]").WithFallback(config))
                .And(new LoggerFactorySetup(logging)));
        var cluster = Akka.Cluster.Cluster.Get(system);
        if (progress is not null)
            system.ActorOf(MembershipReporter.Props(progress), "membership-reporter");
        var up = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        cluster.RegisterOnMemberUp(() => up.TrySetResult());
        if (config.GetStringList("akka.cluster.seed-nodes").Count == 0)
            cluster.Join(cluster.SelfAddress);
        await up.Task.WaitAsync(ct);

        var regions = new ShardRegions();
        system.ActorOf(ClusterSingletonManager.Props(DriftWatcher.Props(kube, regions), PoisonPill.Instance,
            ClusterSingletonManagerSettings.Create(system)), "drift-watcher");
        var driftWatcher = system.ActorOf(ClusterSingletonProxy.Props("/user/drift-watcher",
            ClusterSingletonProxySettings.Create(system)), "drift-watcher-proxy");
        var sharding = ClusterSharding.Get(system);
        foreach (var kind in kinds)
        {
            var timing = () => new ReconcileTiming(settings.BackoffMin, settings.BackoffMax, settings.Jitter);
            ObjectLoader loader = (id, ct) =>
            {
                var (_, ns, name) = EntityId.Parse(id);
                return kube.GetAsync(new ObjectRef(kind.ApiVersion, kind.Kind, ns, name), ct);
            };
            Func<string, Props> props = kind.IsSource
                ? id => SourceEntity.Props(id, kind.Handler, regions, timing(), loader)
                : id => KustomizationEntity.Props(id, kind.Handler, regions, timing(), driftWatcher, loader);
            var region = await sharding.StartAsync(kind.Kind, props, ClusterShardingSettings.Create(system),
                new EntityMessageExtractor());
            regions.Add(kind.Kind, region);
        }
        foreach (var kind in kinds)
        {
            system.ActorOf(ClusterSingletonManager.Props(
                    KindWatcher.Props(kube, regions, kind.ApiVersion, kind.Kind, settings.RelistInterval),
                    PoisonPill.Instance,
                    ClusterSingletonManagerSettings.Create(system)),
                "watcher-" + kind.Kind.ToLowerInvariant());
        }
        var self = cluster.SelfAddress.ToString();
        TideMetrics.WatchCluster(self, () =>
        {
            var state = cluster.State;
            return (state.Members.Count(m => m.Status == Akka.Cluster.MemberStatus.Up), state.Unreachable.Count);
        });
        return new TideNode(system, regions);
    }

    /// <summary>Leaves the cluster gracefully (shards hand over to the remaining nodes) and stops the actor system.</summary>
    public async ValueTask DisposeAsync()
    {
        TideMetrics.ForgetCluster(Address.ToString());
        await CoordinatedShutdown.Get(System).Run(CoordinatedShutdown.ClusterLeavingReason.Instance);
    }
}
