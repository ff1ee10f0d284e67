using System.Text.Json.Nodes;
using Tide.Engine.Kube;

namespace Tide.Engine.Canaries;

/// <summary>
/// The ClusterIP Services of a Canary, as Flagger's Kubernetes router: &lt;svc&gt;-canary selects the target's pods,
/// &lt;svc&gt;-primary the primary's, and the apex &lt;svc&gt; the primary's too (traffic moves by the mesh router, or for
/// blue/green by promotion). A Service Tide did not create keeps its metadata; only its selector and ports change.
/// </summary>
public sealed class ServiceRouter(KubeClient kube, string fieldManager)
{
    /// <summary>The -canary and -primary Services.</summary>
    public async Task InitializeAsync(CanaryRun run, string label, string value, IReadOnlyDictionary<string, int> ports, CancellationToken ct)
    {
        await ReconcileAsync(run, run.Services.Canary, label, value, run.Canary.Spec.Service.Canary, ports, ct);
        await ReconcileAsync(run, run.Services.Primary, label, value + "-primary", run.Canary.Spec.Service.Primary, ports, ct);
    }

    /// <summary>The apex Service, selecting the primary's pods.</summary>
    public Task ReconcileApexAsync(CanaryRun run, string label, string value, IReadOnlyDictionary<string, int> ports, CancellationToken ct) =>
        ReconcileAsync(run, run.Services.Apex, label, value + "-primary", run.Canary.Spec.Service.Apex, ports, ct);

    /// <summary>Points an apex Service the Canary did not create back at the target's pods (revertOnDeletion); one it
    /// created goes away with it.</summary>
    public async Task RevertApexAsync(CanaryRun run, string label, string value, CancellationToken ct)
    {
        var reference = new ObjectRef("v1", "Service", run.Namespace, run.Services.Apex);
        if (await kube.GetAsync(reference, ct) is { } apex && !IsOwnedBy(apex, run))
            await kube.PatchAsync(reference, new JsonObject
            {
                ["spec"] = new JsonObject { ["selector"] = new JsonObject { [label] = value } },
            }, ct);
    }

    /// <summary>The container ports other than the service port (portDiscovery), named as Flagger names them.</summary>
    public static IReadOnlyDictionary<string, int> DiscoverPorts(CanaryRun run, JsonObject deployment)
    {
        var ports = new Dictionary<string, int>();
        var service = run.Canary.Spec.Service;
        foreach (var container in (deployment["spec"]?["template"]?["spec"]?["containers"] as JsonArray ?? []).OfType<JsonObject>())
        {
            var containerName = (string?)container["name"] ?? "";
            if (containerName is "istio-proxy" or "envoy")
                continue;
            var index = 0;
            foreach (var port in (container["ports"] as JsonArray ?? []).OfType<JsonObject>())
            {
                var number = port["containerPort"]?.GetValue<int>() ?? 0;
                var name = (string?)port["name"];
                var excluded = service.TargetPort switch
                {
                    null => number == service.Port,
                    JsonValue v when v.TryGetValue<int>(out var target) => number == target,
                    JsonValue v => name == (string?)v,
                    _ => false,
                };
                if (!excluded)
                    ports[name is { Length: > 0 } ? name : $"tcp-{containerName}-{index}"] = number;
                index++;
            }
        }
        return ports;
    }

    private async Task ReconcileAsync(CanaryRun run, string name, string label, string podSelector,
        Api.CanaryCustomMetadata? metadata, IReadOnlyDictionary<string, int> ports, CancellationToken ct)
    {
        var service = run.Canary.Spec.Service;
        var servicePorts = new JsonArray(Port(service.PortName is { Length: > 0 } named ? named : "http", service.Port,
            service.TargetPort?.DeepClone() ?? service.Port, service.AppProtocol));
        foreach (var (portName, number) in ports.OrderBy(p => p.Key, StringComparer.Ordinal))
            servicePorts.Add(Port(portName, number, number, null));
        var spec = new JsonObject
        {
            ["type"] = "ClusterIP",
            ["selector"] = new JsonObject { [label] = podSelector },
            ["ports"] = servicePorts,
        };
        if (service.Headless == true)
            spec["clusterIP"] = "None";
        if (service.TrafficDistribution is { Length: > 0 } distribution)
            spec["trafficDistribution"] = distribution;
        var existing = await kube.GetAsync(new ObjectRef("v1", "Service", run.Namespace, name), ct);
        var owned = existing is null || IsOwnedBy(existing, run);
        var labels = CanaryMetadata.WithoutToolkit(metadata?.Labels);
        labels[label] = name;
        var meta = new JsonObject { ["name"] = name, ["namespace"] = run.Namespace };
        if (owned)
        {
            meta["labels"] = labels;
            meta["annotations"] = CanaryMetadata.WithoutToolkit(metadata?.Annotations);
            meta["ownerReferences"] = new JsonArray(CanaryMetadata.OwnerReference(run.Object));
        }
        try
        {
            await kube.ApplyAsync(new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Service", ["metadata"] = meta, ["spec"] = spec },
                new ApplyOptions { FieldManager = fieldManager }, ct);
        }
        catch (KubeApiException e)
        {
            throw new CanaryFailure($"service {name}.{run.Namespace} apply error: {e.Message}");
        }
    }

    private static bool IsOwnedBy(JsonObject obj, CanaryRun run) =>
        (obj["metadata"]?["ownerReferences"] as JsonArray ?? []).Any(r =>
            (string?)r?["kind"] == Api.Canary.KindName && (string?)r?["name"] == run.Name);

    private static JsonObject Port(string name, int port, JsonNode targetPort, string? appProtocol)
    {
        var result = new JsonObject { ["name"] = name, ["protocol"] = "TCP", ["port"] = port, ["targetPort"] = targetPort };
        if (appProtocol is { Length: > 0 })
            result["appProtocol"] = appProtocol;
        return result;
    }
}
