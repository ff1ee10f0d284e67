using System.Net;
using System.Text.Json.Nodes;
using Akka.Actor;
using Akka.Configuration;
using Akka.Discovery;
using Tide.Engine.Kube;

namespace Tide.Actors.Cluster;

/// <summary>
/// Akka service discovery of the Tide nodes' pods: lists the pods of a label selector through Tide's own cluster
/// client (the kubeconfig of `tide run`, or the pod's in-cluster configuration) and gives each running pod's IP with
/// the container port of the requested name, as Akka.Discovery.KubernetesApi does. That package cannot run here: it
/// is built against KubernetesClient 17, whose models' constructors KubernetesClient 21 no longer has
/// (MissingMethodException on the first lookup). Akka loads this class by name (akka.discovery.tide-kubernetes.class)
/// and finds the client in the actor system's <see cref="KubeClientSetup"/>.
/// </summary>
public sealed class PodDiscovery : ServiceDiscovery
{
    private const string ServiceAccountNamespaceFile = "/var/run/secrets/kubernetes.io/serviceaccount/namespace";
    private readonly KubeClient _kube;
    private readonly string _labelSelector;
    private readonly string _namespace;

    public PodDiscovery(ExtendedActorSystem system, Config config)
    {
        _kube = system.Settings.Setup.Get<KubeClientSetup>().Value?.Kube
                ?? throw new ConfigurationException("pod discovery needs the node's cluster client (KubeClientSetup)");
        _labelSelector = config.GetString("pod-label-selector");
        _namespace = config.GetString("pod-namespace", "") is { Length: > 0 } ns ? ns
            : File.Exists(ServiceAccountNamespaceFile) ? File.ReadAllText(ServiceAccountNamespaceFile).Trim()
            : "default";
    }

    public override async Task<Resolved> Lookup(Lookup lookup, TimeSpan resolveTimeout)
    {
        using var timeout = new CancellationTokenSource(resolveTimeout);
        var pods = await _kube.ListAsync("v1", "Pod", _namespace, _labelSelector, timeout.Token);
        return new Resolved(lookup.ServiceName, Targets(pods.Items, lookup.PortName));
    }

    /// <summary>The running pods (not being deleted, with an IP) and their port named <paramref name="portName"/>
    /// (pods without one are left out; null: no port wanted).</summary>
    public static IReadOnlyList<ResolvedTarget> Targets(IEnumerable<JsonObject> pods, string? portName)
    {
        var targets = new List<ResolvedTarget>();
        foreach (var pod in pods)
        {
            if (pod["metadata"]?["deletionTimestamp"] is not null ||
                pod["status"]?["phase"]?.GetValue<string>() != "Running" ||
                pod["status"]?["podIP"]?.GetValue<string>() is not { Length: > 0 } ip ||
                !IPAddress.TryParse(ip, out var address))
                continue;
            int? port = null;
            if (portName is not null)
            {
                port = (pod["spec"]?["containers"] as JsonArray ?? [])
                    .SelectMany(c => c?["ports"] as JsonArray ?? [])
                    .Where(p => p?["name"]?.GetValue<string>() == portName)
                    .Select(p => p?["containerPort"]?.GetValue<int>())
                    .FirstOrDefault();
                if (port is null)
                    continue;
            }
            targets.Add(new ResolvedTarget(ip, port, address));
        }
        return targets;
    }
}
