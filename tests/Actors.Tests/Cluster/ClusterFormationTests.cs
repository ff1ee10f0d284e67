using System.Text.Json.Nodes;
using Akka.Configuration;
using Tide.Actors.Cluster;

namespace Tide.Actors.Tests.Cluster;

public sealed class ClusterFormationTests
{
    [Fact]
    public void Default_IsSeedNodes_AndPodDiscoveryIsReadFromTideCluster()
    {
        Assert.Equal(ClusterFormation.SeedNodes, ClusterFormation.From(TideConfig.Load(path: null)).Discovery);

        var config = TideConfig.Load(path: null, overrides: """
            akka.remote.dot-netty.tcp.hostname = 10.0.0.7
            tide.cluster {
              discovery = kubernetes
              kubernetes { pod-label-selector = "app=tide,tier=x", pod-namespace = tide, required-contact-points = 3 }
              management.port = 9558
            }
            """);
        var formation = ClusterFormation.From(config);
        var akka = formation.Apply(config);

        Assert.Equal("tide-kubernetes", akka.GetString("akka.discovery.method"));
        Assert.Equal("app=tide,tier=x", akka.GetString("akka.discovery.tide-kubernetes.pod-label-selector"));
        Assert.Equal("tide", akka.GetString("akka.discovery.tide-kubernetes.pod-namespace"));
        Assert.Equal(3, akka.GetInt("akka.management.cluster.bootstrap.contact-point-discovery.required-contact-point-nr"));
        Assert.Equal(TimeSpan.FromSeconds(1), akka.GetTimeSpan("akka.management.cluster.bootstrap.contact-point.probe-interval"));
        // The contact point is advertised at the remoting host unless tide.cluster.management.host says otherwise.
        Assert.Equal(("10.0.0.7", 9558), (akka.GetString("akka.management.http.hostname"), akka.GetInt("akka.management.http.port")));
    }

    [Fact]
    public async Task Defaults_DownACrashedNodeAfterStableAfter_AndStartItsShardsElsewhere2sAfterItsRemoval()
    {
        var system = Akka.Actor.ActorSystem.Create("tide", TideConfig.Load(path: null, overrides: "akka.loglevel = WARNING"));
        try
        {
            var downing = Akka.Cluster.Cluster.Get(system).DowningProvider;
            // The coordinators and singleton managers wait this long after a removal before starting elsewhere.
            Assert.Equal(TimeSpan.FromSeconds(2), downing.DownRemovalMargin);
            Assert.Equal(TimeSpan.FromSeconds(7), system.Settings.Config.GetTimeSpan("akka.cluster.split-brain-resolver.stable-after"));
        }
        finally
        {
            await system.Terminate();
        }
    }

    [Theory]
    [InlineData("tide.cluster.discovery = dns", "tide.cluster.discovery = \"dns\": expected \"seed-nodes\" or \"kubernetes\"")]
    [InlineData("tide.cluster.discovery = kubernetes\nakka.cluster.seed-nodes = [\"akka.tcp://tide@a:4053\"]",
        "tide.cluster.discovery = kubernetes finds the other nodes itself: remove akka.cluster.seed-nodes")]
    public void ContradictorySettings_AreRefusedWithAMessage(string hocon, string message)
    {
        var error = Assert.Throws<ConfigurationException>(() => ClusterFormation.From(TideConfig.Load(path: null, overrides: hocon)));
        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void PodTargets_AreRunningPodsWithAnIp_AndTheirManagementPort()
    {
        var pods = new[]
        {
            Pod("tide-0", "Running", "10.0.0.1", 8558),
            Pod("tide-1", "Pending", "10.0.0.2", 8558),
            Pod("tide-2", "Running", null, 8558),
            Pod("tide-3", "Running", "10.0.0.4", 8558, deleting: true),
            Pod("tide-4", "Running", "10.0.0.5", managementPort: null),
            Pod("tide-5", "Running", "10.0.0.6", 9000),
        };

        var targets = PodDiscovery.Targets(pods, ClusterFormation.ManagementPortName);

        Assert.Equal([("10.0.0.1", 8558), ("10.0.0.6", 9000)], targets.Select(t => (t.Host, t.Port ?? 0)).ToArray());
        Assert.Equal(3, PodDiscovery.Targets(pods, portName: null).Count);
    }

    private static JsonObject Pod(string name, string phase, string? ip, int? managementPort, bool deleting = false)
    {
        var ports = new JsonArray(new JsonObject { ["name"] = "remoting", ["containerPort"] = 4053 });
        if (managementPort is not null)
            ports.Add(new JsonObject { ["name"] = "management", ["containerPort"] = managementPort });
        var metadata = new JsonObject { ["name"] = name };
        if (deleting)
            metadata["deletionTimestamp"] = "2026-12-08T00:00:00Z";
        var status = new JsonObject { ["phase"] = phase };
        if (ip is not null)
            status["podIP"] = ip;
        return new JsonObject
        {
            ["metadata"] = metadata,
            ["spec"] = new JsonObject { ["containers"] = new JsonArray(new JsonObject { ["name"] = "tide", ["ports"] = ports }) },
            ["status"] = status,
        };
    }
}
