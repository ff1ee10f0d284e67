using Akka.Actor.Setup;
using Tide.Engine.Kube;

namespace Tide.Actors.Cluster;

/// <summary>Hands the node's cluster client to what Akka creates by class name (<see cref="PodDiscovery"/>).</summary>
public sealed class KubeClientSetup(KubeClient kube) : Setup
{
    public KubeClient Kube { get; } = kube;
}
