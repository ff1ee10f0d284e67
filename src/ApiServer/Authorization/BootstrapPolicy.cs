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
/// <c>kubectl auth can-i</c> needs), and the user-facing <c>admin</c>, <c>edit</c> and <c>view</c>. Created when
/// missing; ones a user changed are left as they are.
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
        UserFacingRoles(operations, catalog);
    }

    private const string AggregateTo = "rbac.authorization.k8s.io/aggregate-to-";
    private static readonly string[] Read = ["get", "list", "watch"];
    private static readonly string[] Write = ["create", "delete", "deletecollection", "patch", "update"];
    private static readonly string[] ReadWrite = [.. Read, .. Write];

    /// <summary>
    /// Kubernetes' user-facing roles, which tenants are commonly bound to per namespace: <c>view</c> (read, no
    /// Secrets), <c>edit</c> (read and write workloads, config and Secrets, no RBAC) and <c>admin</c> (edit plus Roles
    /// and RoleBindings). As in Kubernetes they are aggregated: their rules come from the
    /// <c>system:aggregate-to-*</c> ClusterRoles (and from any ClusterRole a user labels the same way, e.g. for a CRD).
    /// </summary>
    private static void UserFacingRoles(ResourceOperations operations, ResourceCatalog catalog)
    {
        ClusterRole(operations, catalog, "view", ["edit"], "view", []);
        ClusterRole(operations, catalog, "edit", ["admin"], "edit", []);
        ClusterRole(operations, catalog, "admin", [], "admin", []);
        ClusterRole(operations, catalog, "system:aggregate-to-view", ["admin", "edit", "view"], null,
        [
            new PolicyRule(Read, [""], ["configmaps", "endpoints", "persistentvolumeclaims", "persistentvolumeclaims/status",
                "pods", "pods/status", "pods/log", "replicationcontrollers", "replicationcontrollers/scale",
                "replicationcontrollers/status", "serviceaccounts", "services", "services/status", "bindings", "events",
                "limitranges", "namespaces", "namespaces/status", "resourcequotas", "resourcequotas/status"], [], []),
            new PolicyRule(Read, ["apps"], ["controllerrevisions", "daemonsets", "daemonsets/status", "deployments",
                "deployments/scale", "deployments/status", "replicasets", "replicasets/scale", "replicasets/status",
                "statefulsets", "statefulsets/scale", "statefulsets/status"], [], []),
            new PolicyRule(Read, ["autoscaling"], ["horizontalpodautoscalers", "horizontalpodautoscalers/status"], [], []),
            new PolicyRule(Read, ["batch"], ["cronjobs", "cronjobs/status", "jobs", "jobs/status"], [], []),
            new PolicyRule(Read, ["policy"], ["poddisruptionbudgets", "poddisruptionbudgets/status"], [], []),
            new PolicyRule(Read, ["networking.k8s.io"], ["ingresses", "ingresses/status", "networkpolicies"], [], []),
            new PolicyRule(Read, ["discovery.k8s.io"], ["endpointslices"], [], []),
        ]);
        ClusterRole(operations, catalog, "system:aggregate-to-edit", ["admin", "edit"], null,
        [
            new PolicyRule(Write, [""], ["pods", "pods/attach", "pods/exec", "pods/portforward", "pods/proxy"], [], []),
            new PolicyRule(["create"], [""], ["pods/eviction", "serviceaccounts/token"], [], []),
            new PolicyRule(ReadWrite, [""], ["configmaps", "events", "persistentvolumeclaims", "replicationcontrollers",
                "replicationcontrollers/scale", "secrets", "serviceaccounts", "services", "services/proxy", "endpoints"], [], []),
            new PolicyRule(["impersonate"], [""], ["serviceaccounts"], [], []),
            new PolicyRule(ReadWrite, ["apps"], ["daemonsets", "deployments", "deployments/rollback", "deployments/scale",
                "replicasets", "replicasets/scale", "statefulsets", "statefulsets/scale"], [], []),
            new PolicyRule(ReadWrite, ["autoscaling"], ["horizontalpodautoscalers"], [], []),
            new PolicyRule(ReadWrite, ["batch"], ["cronjobs", "jobs"], [], []),
            new PolicyRule(ReadWrite, ["policy"], ["poddisruptionbudgets"], [], []),
            new PolicyRule(ReadWrite, ["networking.k8s.io"], ["ingresses", "networkpolicies"], [], []),
            new PolicyRule(ReadWrite, ["discovery.k8s.io"], ["endpointslices"], [], []),
        ]);
        ClusterRole(operations, catalog, "system:aggregate-to-admin", ["admin"], null,
        [
            new PolicyRule(["create"], [AccessReviewEndpoint.Group], ["localsubjectaccessreviews"], [], []),
            new PolicyRule(ReadWrite, [RbacPolicy.Group], ["rolebindings", "roles"], [], []),
        ]);
    }

    /// <param name="aggregatesTo">The user-facing roles that take this one's rules (its aggregate-to-* labels).</param>
    /// <param name="aggregates">With a value, this role's rules are those of the ClusterRoles labelled aggregate-to-it.</param>
    private static void ClusterRole(ResourceOperations operations, ResourceCatalog catalog, string name, string[] aggregatesTo,
        string? aggregates, PolicyRule[] rules)
    {
        var metadata = Metadata(name);
        foreach (var role in aggregatesTo)
            metadata["labels"]![AggregateTo + role] = "true";
        var clusterRole = new JsonObject
        {
            ["metadata"] = metadata,
            ["rules"] = new JsonArray(rules.Select(r => (JsonNode)r.ToJson()).ToArray()),
        };
        if (aggregates is not null)
            clusterRole["aggregationRule"] = new JsonObject
            {
                ["clusterRoleSelectors"] = new JsonArray(new JsonObject
                {
                    ["matchLabels"] = new JsonObject { [AggregateTo + aggregates] = "true" },
                }),
            };
        Put(operations, catalog.FindStorage(RbacPolicy.ClusterRoles)!, clusterRole);
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
