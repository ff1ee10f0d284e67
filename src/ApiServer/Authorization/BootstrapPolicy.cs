using System.Text.Json.Nodes;
using Tide.ApiServer.Http;
using Tide.ApiServer.Resources;
using Tide.ApiServer.Semantics;
using Tide.ApiServer.Storage;

namespace Tide.ApiServer.Authorization;

/// <summary>
/// The default roles every Kubernetes cluster has and that clients rely on: <c>cluster-admin</c> (which Flux's
/// multi-tenancy setups bind tenants' ServiceAccounts to, per namespace), discovery and <c>/version</c> for every
/// authenticated user (system:discovery, system:public-info-viewer), and "may I?" reviews (system:basic-user, what
/// <c>kubectl auth can-i</c> needs). Created when missing; ones a user changed are left as they are.
/// </summary>
internal static class BootstrapPolicy
{
    private static readonly string[] DiscoveryUrls =
        ["/api", "/api/*", "/apis", "/apis/*", "/healthz", "/livez", "/openapi", "/openapi/*", "/readyz", "/version", "/version/"];

    private static readonly string[] PublicInfoUrls = ["/healthz", "/livez", "/readyz", "/version", "/version/"];

    public static void Create(ResourceOperations operations, ResourceCatalog catalog)
    {
        Role(operations, catalog, "cluster-admin", [RequestUser.Masters],
            new PolicyRule(["*"], ["*"], ["*"], [], []),
            new PolicyRule(["*"], [], [], [], ["*"]));
        Role(operations, catalog, "system:discovery", [RequestUser.Authenticated],
            new PolicyRule(["get"], [], [], [], DiscoveryUrls));
        Role(operations, catalog, "system:public-info-viewer", [RequestUser.Authenticated, RequestUser.Unauthenticated],
            new PolicyRule(["get"], [], [], [], PublicInfoUrls));
        Role(operations, catalog, "system:basic-user", [RequestUser.Authenticated],
            new PolicyRule(["create"], [AccessReviewEndpoint.Group], ["selfsubjectaccessreviews", "selfsubjectrulesreviews"], [], []));
    }

    /// <summary>A ClusterRole and a ClusterRoleBinding of the same name granting it to <paramref name="groups"/>.</summary>
    private static void Role(ResourceOperations operations, ResourceCatalog catalog, string name, string[] groups, params PolicyRule[] rules)
    {
        Put(operations, catalog.FindStorage(RbacPolicy.ClusterRoles)!, new JsonObject
        {
            ["metadata"] = Metadata(name),
            ["rules"] = new JsonArray(rules.Select(r => (JsonNode)r.ToJson()).ToArray()),
        });
        Put(operations, catalog.FindStorage(RbacPolicy.ClusterRoleBindings)!, new JsonObject
        {
            ["metadata"] = Metadata(name),
            ["roleRef"] = new JsonObject { ["apiGroup"] = RbacPolicy.Group, ["kind"] = "ClusterRole", ["name"] = name },
            ["subjects"] = new JsonArray(groups.Select(g => (JsonNode)new JsonObject
            {
                ["apiGroup"] = RbacPolicy.Group,
                ["kind"] = "Group",
                ["name"] = g,
            }).ToArray()),
        });
    }

    private static JsonObject Metadata(string name) => new()
    {
        ["name"] = name,
        ["labels"] = new JsonObject { ["kubernetes.io/bootstrapping"] = "rbac-defaults" },
        ["annotations"] = new JsonObject { ["rbac.authorization.kubernetes.io/autoupdate"] = "true" },
    };

    private static void Put(ResourceOperations operations, ResourceType type, JsonObject obj)
    {
        var name = obj["metadata"]!["name"]!.GetValue<string>();
        if (operations.Store.State.Get(type.StorageKey, StoredObject.KeyOf(null, name)) is not null) return;
        obj["apiVersion"] = type.GroupVersion;
        obj["kind"] = type.Kind;
        operations.Create(new WriteContext(type, null, "tide-apiserver"), obj);
    }
}
