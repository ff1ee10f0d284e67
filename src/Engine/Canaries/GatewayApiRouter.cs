using System.Text.Json.Nodes;
using Tide.Engine.Kube;

namespace Tide.Engine.Canaries;

/// <summary>
/// The gatewayapi provider: an HTTPRoute (gateway.networking.k8s.io/v1) named after the apex Service, attached to
/// service.gatewayRefs, whose one rule sends traffic to the -primary and -canary Services by backendRefs weights.
/// service.match (Istio-style uri, headers, queryParams, method) becomes the rule's matches; "/" by prefix when unset.
/// </summary>
public sealed class GatewayApiRouter(KubeClient kube, string fieldManager) : ITrafficRouter
{
    public const string ApiVersion = "gateway.networking.k8s.io/v1";

    public async Task ReconcileAsync(CanaryRun run, CancellationToken ct)
    {
        var (primary, canary) = await kube.GetAsync(Ref(run), ct) is { } existing ? Weights(run, existing) : (100, 0);
        await SetRoutesAsync(run, primary, canary, ct);
    }

    public async Task<(int Primary, int Canary)> GetRoutesAsync(CanaryRun run, CancellationToken ct) =>
        await kube.GetAsync(Ref(run), ct) is { } route
            ? Weights(run, route)
            : throw new CanaryFailure($"HTTPRoute {run.Services.Apex}.{run.Namespace} get error: not found");

    public async Task SetRoutesAsync(CanaryRun run, int primary, int canary, CancellationToken ct)
    {
        var service = run.Canary.Spec.Service;
        if (service.GatewayRefs is not { Count: > 0 } gateways)
            throw new CanaryFailure("GatewayRefs must be specified when using Gateway API as a provider.",
                CanaryFailure.InvalidSpec, stalled: true);
        var rule = new JsonObject
        {
            ["matches"] = Matches(service.Match),
            ["backendRefs"] = new JsonArray(Backend(run.Services.Primary, primary, service.Port),
                Backend(run.Services.Canary, canary, service.Port)),
        };
        if (service.Timeout is { Length: > 0 } timeout)
            rule["timeouts"] = new JsonObject { ["request"] = timeout };
        var spec = new JsonObject
        {
            ["parentRefs"] = new JsonArray(gateways.Select(g => (JsonNode)g.DeepClone()).ToArray()),
            ["rules"] = new JsonArray(rule),
        };
        if (service.Hosts is { Count: > 0 } hosts)
            spec["hostnames"] = new JsonArray(hosts.Select(h => (JsonNode)h).ToArray());
        var apex = service.Apex;
        var route = new JsonObject
        {
            ["apiVersion"] = ApiVersion,
            ["kind"] = "HTTPRoute",
            ["metadata"] = new JsonObject
            {
                ["name"] = run.Services.Apex,
                ["namespace"] = run.Namespace,
                ["labels"] = CanaryMetadata.WithoutToolkit(apex?.Labels),
                ["annotations"] = CanaryMetadata.WithoutToolkit(apex?.Annotations),
                ["ownerReferences"] = new JsonArray(CanaryMetadata.OwnerReference(run.Object)),
            },
            ["spec"] = spec,
        };
        try
        {
            await kube.ApplyAsync(route, new ApplyOptions { FieldManager = fieldManager }, ct);
        }
        catch (KubeApiException e) when (e.IsNotFound || e.Status == System.Net.HttpStatusCode.BadRequest)
        {
            throw new CanaryFailure($"HTTPRoute {run.Services.Apex}.{run.Namespace} update error: {e.Message} " +
                "(are the Gateway API CRDs installed?)");
        }
    }

    private static (int Primary, int Canary) Weights(CanaryRun run, JsonObject route)
    {
        int primary = 0, canary = 0;
        foreach (var rule in route["spec"]?["rules"] as JsonArray ?? [])
        {
            var backends = rule?["backendRefs"] as JsonArray ?? [];
            if (backends.Count != 2)
                continue;
            foreach (var backend in backends)
            {
                var weight = backend?["weight"]?.GetValue<int>() ?? 1;
                if ((string?)backend?["name"] == run.Services.Primary)
                    primary = weight;
                else if ((string?)backend?["name"] == run.Services.Canary)
                    canary = weight;
            }
        }
        return (primary, canary);
    }

    private static JsonObject Backend(string service, int weight, int port) => new()
    {
        ["group"] = "",
        ["kind"] = "Service",
        ["name"] = service,
        ["port"] = port,
        ["weight"] = weight,
    };

    /// <summary>Istio's HTTPMatchRequest (what Canaries write) as Gateway API matches.</summary>
    private static JsonArray Matches(IReadOnlyList<JsonObject>? requests)
    {
        var matches = new JsonArray();
        foreach (var request in requests ?? [])
        {
            var match = new JsonObject();
            if (request["uri"] is JsonObject uri && StringMatch(uri, "PathPrefix") is var (pathType, pathValue))
                match["path"] = new JsonObject { ["type"] = pathType, ["value"] = pathValue };
            if (Named(request["headers"] as JsonObject) is { Count: > 0 } headers)
                match["headers"] = headers;
            if (Named(request["queryParams"] as JsonObject) is { Count: > 0 } query)
                match["queryParams"] = query;
            if ((string?)request["method"]?["exact"] is { } method)
                match["method"] = method;
            matches.Add(match);
        }
        if (matches.Count == 0)
            matches.Add(new JsonObject { ["path"] = new JsonObject { ["type"] = "PathPrefix", ["value"] = "/" } });
        return matches;
    }

    private static JsonArray Named(JsonObject? conditions)
    {
        var result = new JsonArray();
        foreach (var (name, condition) in conditions ?? [])
            if (condition is JsonObject c && StringMatch(c, "Exact") is var (type, value))
                result.Add(new JsonObject { ["name"] = name, ["type"] = type, ["value"] = value });
        return result;
    }

    private static (string Type, string Value)? StringMatch(JsonObject match, string prefixType) =>
        (string?)match["exact"] is { } exact ? ("Exact", exact)
        : (string?)match["prefix"] is { } prefix ? (prefixType, prefix)
        : (string?)match["regex"] is { } regex ? ("RegularExpression", regex)
        : null;

    private static ObjectRef Ref(CanaryRun run) => new(ApiVersion, "HTTPRoute", run.Namespace, run.Services.Apex);
}
