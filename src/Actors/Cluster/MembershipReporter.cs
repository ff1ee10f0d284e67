using Akka.Actor;
using Akka.Cluster;

namespace Tide.Actors.Cluster;

/// <summary>Reports the cluster's membership changes as this node sees them (members up, unreachable, removed).</summary>
public sealed class MembershipReporter : ReceiveActor
{
    public MembershipReporter(Action<string> report)
    {
        Receive<ClusterEvent.MemberUp>(m => report($"tide: member up {m.Member.Address}"));
        Receive<ClusterEvent.UnreachableMember>(m => report($"tide: member unreachable {m.Member.Address}"));
        Receive<ClusterEvent.ReachableMember>(m => report($"tide: member reachable again {m.Member.Address}"));
        Receive<ClusterEvent.MemberRemoved>(m => report($"tide: member removed {m.Member.Address}"));
        Receive<ClusterEvent.IMemberEvent>(_ => { });
    }

    public static Props Props(Action<string> report) => Akka.Actor.Props.Create(() => new MembershipReporter(report));

    protected override void PreStart() =>
        Akka.Cluster.Cluster.Get(Context.System).Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents,
            typeof(ClusterEvent.IMemberEvent), typeof(ClusterEvent.IReachabilityEvent));

    protected override void PostStop() => Akka.Cluster.Cluster.Get(Context.System).Unsubscribe(Self);
}
