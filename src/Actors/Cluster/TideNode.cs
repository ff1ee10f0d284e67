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
/// watcher per kind that feeds the regions. It finds the other nodes as <see cref="ClusterFormation"/> says; with no
/// seed nodes and no pod discovery configured it forms a one-node cluster.
/// </summary>
public sealed class TideNode : IAsyncDisposable
{
    /// <summary>What the node's way of joining runs until it leaves (the bootstrap's contact point), if anything.</summary>
    private readonly IAsyncDisposable? _joining;

    private TideNode(ActorSystem system, ShardRegions regions, IAsyncDisposable? joining)
    {
        System = system;
        Regions = regions;
        _joining = joining;
    }

    public ActorSystem System { get; }

    public ShardRegions Regions { get; }

    public Akka.Actor.Address Address => Akka.Cluster.Cluster.Get(System).SelfAddress;

    /// <summary>How many members of the cluster are Up, as this node sees it.</summary>
    public int MemberCount => Akka.Cluster.Cluster.Get(System).State.Members.Count(m => m.Status == Akka.Cluster.MemberStatus.Up);

    /// <param name="progress">Where membership changes are reported (null: not reported).</param>
    /// <param name="logging">Where Akka's logs and the entities' go (null: Akka's own loggers, entities log nothing).</param>
    /// <param name="remoteClusters">The clients of remote clusters (drift watches of Kustomizations with
    /// spec.kubeConfig); null: a pool of the node's own, without limits.</param>
    public static async Task<TideNode> StartAsync(Config config, KubeClient kube, IReadOnlyList<EntityKind> kinds,
        Action<string>? progress, ILoggerFactory? logging, CancellationToken ct, RemoteClusters? remoteClusters = null)
    {
        var settings = TideSettings.From(config);
        var formation = ClusterFormation.From(config);
        var formed = formation.Apply(config);
        var setup = BootstrapSetup.Create()
            .WithConfig(logging is null ? formed : ConfigurationFactory.ParseString(
                "akka.loggers = [\"Akka.Hosting.Logging.LoggerFactoryLogger, Akka.Hosting\"]").WithFallback(formed))
            .And(new KubeClientSetup(kube));
        var system = ActorSystem.Create("tide", logging is null ? setup : setup.And(new LoggerFactorySetup(logging)));
        var cluster = Akka.Cluster.Cluster.Get(system);
        if (progress is not null)
            system.ActorOf(MembershipReporter.Props(progress), "membership-reporter");
        var up = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        cluster.RegisterOnMemberUp(() => up.TrySetResult());
        var joining = await formation.JoinAsync(system);
        await up.Task.WaitAsync(ct);

        var regions = new ShardRegions();
        system.ActorOf(ClusterSingletonManager.Props(DriftWatcher.Props(kube, remoteClusters ?? new RemoteClusters(), regions), PoisonPill.Instance,
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
            Func<string, Props> props = kind switch
            {
                { Handler: null } => id => ExternalArtifactEntity.Props(id, regions, loader),
                { IsSource: true, Handler: { } handler } => id => SourceEntity.Props(id, handler, regions, timing(), loader),
                { Handler: { } handler } => id => KustomizationEntity.Props(id, handler, regions, timing(), loader, driftWatcher),
            };
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
        return new TideNode(system, regions, joining);
    }

    /// <summary>Leaves the cluster gracefully (shards hand over to the remaining nodes) and stops the actor system.</summary>
    public async ValueTask DisposeAsync()
    {
        TideMetrics.ForgetCluster(Address.ToString());
        await CoordinatedShutdown.Get(System).Run(CoordinatedShutdown.ClusterLeavingReason.Instance);
        if (_joining is not null)
            await _joining.DisposeAsync();
    }
}
