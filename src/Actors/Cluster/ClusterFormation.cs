using Akka.Actor;
using Akka.Configuration;
using Akka.Management.Dsl;
using Akka.Management.Cluster.Bootstrap;

namespace Tide.Actors.Cluster;

/// <summary>
/// How a node finds the other nodes of its cluster (<c>tide.cluster</c>): the seed nodes of
/// <c>akka.cluster.seed-nodes</c> (none: a one-node cluster), or the pods of its StatefulSet found through the
/// Kubernetes API (Akka.Management cluster bootstrap with <see cref="PodDiscovery"/>). With pod discovery no seed
/// list exists and any pod may start first: pods that find an existing cluster join it, and when there is none the
/// pod with the lowest address forms it once <see cref="RequiredContactPoints"/> pods answer.
/// </summary>
public sealed record ClusterFormation
{
    public const string SeedNodes = "seed-nodes";
    public const string Kubernetes = "kubernetes";
    /// <summary>The name of the pods' container port that serves Akka.Management (the contact point).</summary>
    public const string ManagementPortName = "management";

    /// <summary><see cref="SeedNodes"/> or <see cref="Kubernetes"/>.</summary>
    public string Discovery { get; init; } = SeedNodes;

    /// <summary>The pods that are Tide nodes (a label selector).</summary>
    public string PodLabelSelector { get; init; } = "app.kubernetes.io/name=tide";

    /// <summary>Their namespace; empty: POD_NAMESPACE, else the pod's service account namespace.</summary>
    public string PodNamespace { get; init; } = "";

    /// <summary>How many pods must be found (and answer) before the lowest one forms a new cluster.</summary>
    public int RequiredContactPoints { get; init; } = 2;

    /// <summary>Where Akka.Management serves the contact point; empty: akka.remote.dot-netty.tcp.hostname. It must be
    /// the pod's IP, which is what the other pods find.</summary>
    public string ManagementHost { get; init; } = "";

    public int ManagementPort { get; init; } = 8558;

    public static ClusterFormation From(Config config)
    {
        var cluster = config.GetConfig("tide.cluster") ?? Config.Empty;
        var formation = new ClusterFormation
        {
            Discovery = cluster.GetString("discovery", SeedNodes),
            PodLabelSelector = cluster.GetString("kubernetes.pod-label-selector", "app.kubernetes.io/name=tide"),
            PodNamespace = cluster.GetString("kubernetes.pod-namespace", ""),
            RequiredContactPoints = cluster.GetInt("kubernetes.required-contact-points", 2),
            ManagementHost = cluster.GetString("management.host", ""),
            ManagementPort = cluster.GetInt("management.port", 8558),
        };
        if (formation.Discovery is not (SeedNodes or Kubernetes))
            throw new ConfigurationException(
                $"tide.cluster.discovery = \"{formation.Discovery}\": expected \"{SeedNodes}\" or \"{Kubernetes}\"");
        if (formation.Discovery == Kubernetes && config.GetStringList("akka.cluster.seed-nodes").Count > 0)
            throw new ConfigurationException(
                "tide.cluster.discovery = kubernetes finds the other nodes itself: remove akka.cluster.seed-nodes");
        return formation;
    }

    /// <summary>The configuration to start the actor system with: with pod discovery, the Akka.Management and
    /// discovery settings it implies, under whatever the user set in <c>akka</c> (e.g. the bootstrap's
    /// contact-point-discovery.stable-margin).</summary>
    public Config Apply(Config config)
    {
        if (Discovery != Kubernetes)
            return config;
        var host = ManagementHost.Length > 0 ? ManagementHost : config.GetString("akka.remote.dot-netty.tcp.hostname");
        var ns = PodNamespace.Length > 0 ? PodNamespace : Environment.GetEnvironmentVariable("POD_NAMESPACE") ?? "";
        var implied = $$"""
            akka.discovery {
              method = tide-kubernetes
              tide-kubernetes {
                class = "{{typeof(PodDiscovery).FullName}}, {{typeof(PodDiscovery).Assembly.GetName().Name}}"
                pod-label-selector = {{Quote(PodLabelSelector)}}
                pod-namespace = {{Quote(ns)}}
              }
            }
            akka.management {
              http.hostname = {{Quote(host)}}
              http.port = {{ManagementPort}}
              cluster.bootstrap.contact-point-discovery {
                service-name = tide
                port-name = {{ManagementPortName}}
                required-contact-point-nr = {{RequiredContactPoints}}
              }
              # Akka (JVM)'s default; Akka.NET's 5s makes a pod that restarts wait up to 5s more before it joins.
              cluster.bootstrap.contact-point.probe-interval = 1s
            }
            """;
        return config.WithFallback(ConfigurationFactory.ParseString(implied));
    }

    /// <summary>Starts joining: with seed nodes, Akka joins them itself (none: this node forms a one-node cluster);
    /// with pod discovery, the contact point that the other pods probe, then the bootstrap. Returns what to stop when
    /// the node leaves (the contact point), if anything.</summary>
    public async Task<IAsyncDisposable?> JoinAsync(ActorSystem system)
    {
        var cluster = Akka.Cluster.Cluster.Get(system);
        if (Discovery == SeedNodes)
        {
            if (cluster.Settings.SeedNodes.IsEmpty)
                cluster.Join(cluster.SelfAddress);
            return null;
        }
        var config = system.Settings.Config;
        var host = config.GetString("akka.management.http.hostname");
        var port = config.GetInt("akka.management.http.port");
        var contactPoint = ContactPointServer.Start(system, host, port);
        var bootstrap = ClusterBootstrap.Get(system);
        // Tells the bootstrap its own contact point (what Akka.Management's HTTP server does when it binds), so that
        // it recognises itself among the pods it finds.
        bootstrap.Routes(ManagementRouteProviderSettings.Create(new Uri($"http://{host}:{port}/"), readOnly: true));
        await bootstrap.Start();
        return contactPoint;
    }

    private static string Quote(string value) => "\"" + value.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
}
