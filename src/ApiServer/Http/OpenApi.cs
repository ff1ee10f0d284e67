using System.Text.Json.Nodes;
using Tide.ApiServer.Resources;

namespace Tide.ApiServer.Http;

/// <summary>A minimal OpenAPI v3: per group/version, the PATCH operation of every resource with its
/// x-kubernetes-group-version-kind and the fieldValidation parameter. That is what kubectl looks for to hand schema
/// validation to the server (fieldValidation=Strict) instead of downloading schemas, so `kubectl apply` works without
/// --validate=false. No schemas are served: kubectl then computes client-side apply patches from its compiled-in types
/// (built-in kinds) or as JSON merge patches (custom resources).</summary>
internal sealed class OpenApi(ResourceCatalog catalog)
{
    public JsonObject Root()
    {
        var paths = new JsonObject();
        foreach (var gv in catalog.Types.Select(t => (t.Group, t.Version)).Distinct())
        {
            var prefix = Prefix(gv.Group, gv.Version);
            paths[prefix] = new JsonObject { ["serverRelativeURL"] = $"/openapi/v3/{prefix}" };
        }
        return new JsonObject { ["paths"] = paths };
    }

    /// <summary>The document of "api/v1" or "apis/{group}/{version}", or null when no such group/version is served.</summary>
    public JsonObject? GroupVersion(string prefix)
    {
        var types = catalog.Types.Where(t => Prefix(t.Group, t.Version) == prefix).ToList();
        if (types.Count == 0) return null;
        var paths = new JsonObject();
        foreach (var t in types)
        {
            var path = t.Namespaced
                ? $"/{prefix}/namespaces/{{namespace}}/{t.Plural}/{{name}}"
                : $"/{prefix}/{t.Plural}/{{name}}";
            paths[path] = new JsonObject
            {
                ["patch"] = new JsonObject
                {
                    ["operationId"] = $"patch{t.Kind}",
                    ["parameters"] = new JsonArray(
                        Query("dryRun"), Query("fieldManager"), Query("fieldValidation"), Query("force")),
                    ["responses"] = new JsonObject { ["200"] = new JsonObject { ["description"] = "OK" } },
                    ["x-kubernetes-action"] = "patch",
                    ["x-kubernetes-group-version-kind"] = new JsonObject
                    {
                        ["group"] = t.Group,
                        ["version"] = t.Version,
                        ["kind"] = t.Kind,
                    },
                },
            };
        }
        return new JsonObject
        {
            ["openapi"] = "3.0.0",
            ["info"] = new JsonObject { ["title"] = "Kubernetes", ["version"] = "v1.32.0+tide" },
            ["paths"] = paths,
            ["components"] = new JsonObject { ["schemas"] = new JsonObject() },
        };
    }

    private static JsonObject Query(string name) => new()
    {
        ["name"] = name,
        ["in"] = "query",
        ["schema"] = new JsonObject { ["type"] = name == "force" ? "boolean" : "string", ["uniqueItems"] = true },
    };

    private static string Prefix(string group, string version) => group.Length == 0 ? $"api/{version}" : $"apis/{group}/{version}";
}
