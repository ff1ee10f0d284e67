using System.Text.Json.Nodes;
using Tide.ApiServer.Resources;

namespace Tide.ApiServer.Http;

/// <summary>Legacy (unaggregated) discovery documents: /version, /api, /apis, /apis/{g}, /api/v1, /apis/{g}/{v}.
/// kubectl asks for aggregated discovery first and falls back to these when the answer is plain JSON.</summary>
internal sealed class Discovery(ResourceCatalog catalog)
{
    private static readonly string[] Verbs = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];

    public static JsonObject Version() => new()
    {
        ["major"] = "1",
        ["minor"] = "32",
        ["gitVersion"] = "v1.32.0+tide",
        ["gitCommit"] = "0000000000000000000000000000000000000000",
        ["gitTreeState"] = "clean",
        ["buildDate"] = "2025-01-01T00:00:00Z",
        ["goVersion"] = "go1.23.0",
        ["compiler"] = "gc",
        ["platform"] = "linux/amd64",
    };

    public static JsonObject CoreVersions(string serverAddress) => new()
    {
        ["kind"] = "APIVersions",
        ["versions"] = new JsonArray("v1"),
        ["serverAddressByClientCIDRs"] = new JsonArray(new JsonObject
        {
            ["clientCIDR"] = "0.0.0.0/0",
            ["serverAddress"] = serverAddress,
        }),
    };

    public JsonObject GroupList() => new()
    {
        ["kind"] = "APIGroupList",
        ["apiVersion"] = "v1",
        ["groups"] = new JsonArray(catalog.Groups().Select(g => (JsonNode)GroupDocument(g.Group, g.Versions)).ToArray()),
    };

    public JsonObject? Group(string name)
    {
        var group = catalog.Groups().FirstOrDefault(g => g.Group == name);
        if (group.Group is null) return null;
        var document = GroupDocument(group.Group, group.Versions);
        document["kind"] = "APIGroup";
        document["apiVersion"] = "v1";
        return document;
    }

    private static JsonObject GroupDocument(string name, IReadOnlyList<string> versions)
    {
        JsonObject Entry(string v) => new() { ["groupVersion"] = name + "/" + v, ["version"] = v };
        return new JsonObject
        {
            ["name"] = name,
            ["versions"] = new JsonArray(versions.Select(v => (JsonNode)Entry(v)).ToArray()),
            ["preferredVersion"] = Entry(versions[0]),
        };
    }

    public JsonObject? ResourceList(string group, string version)
    {
        var types = catalog.Types.Where(t => t.Group == group && t.Version == version).ToList();
        if (types.Count == 0) return null;
        var resources = new JsonArray();
        foreach (var t in types)
        {
            var resource = new JsonObject
            {
                ["name"] = t.Plural,
                ["singularName"] = t.Singular,
                ["namespaced"] = t.Namespaced,
                ["kind"] = t.Kind,
                ["verbs"] = new JsonArray((t.Verbs ?? Verbs).Select(v => (JsonNode)v).ToArray()),
            };
            if (t.ShortNames.Count > 0) resource["shortNames"] = new JsonArray(t.ShortNames.Select(s => (JsonNode)s).ToArray());
            if (t.Categories.Count > 0) resource["categories"] = new JsonArray(t.Categories.Select(s => (JsonNode)s).ToArray());
            resources.Add(resource);
            if (ScaleSubresource.Supports(t))
            {
                resources.Add(new JsonObject
                {
                    ["name"] = t.Plural + "/scale",
                    ["singularName"] = "",
                    ["namespaced"] = t.Namespaced,
                    ["group"] = "autoscaling",
                    ["version"] = "v1",
                    ["kind"] = "Scale",
                    ["verbs"] = new JsonArray("get", "patch", "update"),
                });
            }
            if (t.HasStatus)
            {
                resources.Add(new JsonObject
                {
                    ["name"] = t.Plural + "/status",
                    ["singularName"] = "",
                    ["namespaced"] = t.Namespaced,
                    ["kind"] = t.Kind,
                    ["verbs"] = new JsonArray("get", "patch", "update"),
                });
            }
        }
        return new JsonObject
        {
            ["kind"] = "APIResourceList",
            ["apiVersion"] = "v1",
            ["groupVersion"] = types[0].GroupVersion,
            ["resources"] = resources,
        };
    }
}
