using System.Text.Json.Nodes;
using Tide.Engine.Kube;

namespace Tide.Engine.Canaries;

/// <summary>
/// The gatewayapi provider: an HTTPRoute (gateway.networking.k8s.io/v1) named after the apex Service, attached to
/// service.gatewayRefs, whose rule sends traffic to the -primary and -canary Services by backendRefs weights.
/// service.match (Istio-style uri, headers, queryParams, method) becomes the rule's matches; "/" by prefix when unset.
/// For A/B testing (analysis.match) the weighted rule takes only the matched requests and a second rule keeps the
/// rest on the primary.
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
        var serviceMatches = Matches(service.Match);
        if (serviceMatches.Count == 0)
            serviceMatches.Add(new JsonObject { ["path"] = new JsonObject { ["type"] = "PathPrefix", ["value"] = "/" } });
        var rules = new JsonArray();
        if (run.Analysis.Match is { Count: > 0 } abMatches)
        {
            // A/B testing: the matched requests are split by the weights; all others stay on the primary.
            rules.Add(Rule(run, Merge(Matches(abMatches), serviceMatches), primary, canary));
            rules.Add(Rule(run, (JsonArray)serviceMatches.DeepClone(), 100, null));
        }
        else
        {
            rules.Add(Rule(run, serviceMatches, primary, canary));
        }
        var spec = new JsonObject
        {
            ["parentRefs"] = new JsonArray(gateways.Select(g => (JsonNode)g.DeepClone()).ToArray()),
            ["rules"] = rules,
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

    private static JsonObject Rule(CanaryRun run, JsonArray matches, int primary, int? canary)
    {
        var port = run.Canary.Spec.Service.Port;
        var backends = new JsonArray(Backend(run.Services.Primary, primary, port));
        if (canary is { } weight)
            backends.Add(Backend(run.Services.Canary, weight, port));
        var rule = new JsonObject { ["matches"] = matches, ["backendRefs"] = backends };
        if (run.Canary.Spec.Service.Timeout is { Length: > 0 } timeout)
            rule["timeouts"] = new JsonObject { ["request"] = timeout };
        return rule;
    }

    /// <summary>Flagger's mergeMatchConditions: each service match once per analysis match, with the analysis
    /// match's headers and query parameters.</summary>
    private static JsonArray Merge(JsonArray analysis, JsonArray service)
    {
        var merged = new JsonArray();
        foreach (var a in analysis)
            foreach (var s in service)
            {
                var match = (JsonObject)s!.DeepClone();
                foreach (var field in new[] { "headers", "queryParams" })
                    if (a?[field] is JsonArray { Count: > 0 } values)
                        match[field] = values.DeepClone();
                merged.Add(match);
            }
        return merged;
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
