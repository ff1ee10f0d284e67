using System.Net;
using k8s;
using k8s.Models;
using static Tide.ApiServer.Tests.Authorization.RbacObjects;

namespace Tide.ApiServer.Tests.Authorization;

/// <summary>Writing RBAC objects cannot grant more than one holds (Kubernetes' escalation check), unless one may
/// escalate or bind.</summary>
[Collection(ApiServerCollection.Name)]
public sealed class EscalationTests(ApiServerFixture fixture)
{
    /// <summary>A namespace whose ServiceAccount "admin" may write Roles and RoleBindings there (not with "*": that would
    /// include escalate and bind) and read ConfigMaps.</summary>
    private async Task<(string Ns, Kubernetes Client)> RbacWriterAsync()
    {
        var ns = await fixture.NewNamespaceAsync("esc");
        await fixture.Client.RoleAsync(ns, "rbac-writer", Rule(["get", "list", "create", "update", "patch", "delete"], ["rbac.authorization.k8s.io"], ["roles", "rolebindings"]),
            Rule(["get", "list"], [""], ["configmaps"]));
        await fixture.Client.RoleBindingAsync(ns, "rbac-writer", "Role", "rbac-writer", ServiceAccount("admin"));
        return (ns, fixture.As($"system:serviceaccount:{ns}:admin"));
    }

    [Fact]
    public async Task Role_WithRulesNotHeld_IsForbidden_ListingThem()
    {
        var (ns, client) = await RbacWriterAsync();
        using var _ = client;
        await client.RoleAsync(ns, "reader", Rule(["get"], [""], ["configmaps"]));

        var status = await StatusAssert.FailsAsync(HttpStatusCode.Forbidden, "Forbidden",
            () => client.RoleAsync(ns, "greedy", Rule(["get", "list"], [""], ["configmaps", "secrets"])));
        Assert.Equal($"roles.rbac.authorization.k8s.io \"greedy\" is forbidden: user \"system:serviceaccount:{ns}:admin\" " +
            $"(groups=[\"system:serviceaccounts\" \"system:serviceaccounts:{ns}\" \"system:authenticated\"]) is attempting to grant " +
            "RBAC permissions not currently held:\n{APIGroups:[\"\"], Resources:[\"secrets\"], Verbs:[\"get\"]}\n" +
            "{APIGroups:[\"\"], Resources:[\"secrets\"], Verbs:[\"list\"]}",
            status["message"]!.GetValue<string>());
        Assert.Equal("roles", status["details"]!["kind"]!.GetValue<string>());

        // A patch (here a server-side apply) is checked on the object it would store.
        var apply = new V1Patch("""
            {"apiVersion":"rbac.authorization.k8s.io/v1","kind":"Role","metadata":{"name":"reader"},
             "rules":[{"apiGroups":[""],"resources":["secrets"],"verbs":["get"]}]}
            """, V1Patch.PatchType.ApplyPatch);
        await StatusAssert.FailsAsync(HttpStatusCode.Forbidden, "Forbidden",
            () => client.RbacAuthorizationV1.PatchNamespacedRoleAsync(apply, "reader", ns, fieldManager: "test", force: true));
        Assert.Equal(["configmaps"], (await fixture.Client.RbacAuthorizationV1.ReadNamespacedRoleAsync("reader", ns)).Rules.Single().Resources);
    }

    [Fact]
    public async Task Binding_ToARoleNotHeld_IsForbidden_UnlessBindIsAllowed()
    {
        var (ns, client) = await RbacWriterAsync();
        using var _ = client;
        await fixture.Client.RoleAsync(ns, "reader", Rule(["get"], [""], ["configmaps"]));
        await client.RoleBindingAsync(ns, "reader", "Role", "reader", ServiceAccount("app"));

        var status = await StatusAssert.FailsAsync(HttpStatusCode.Forbidden, "Forbidden",
            () => client.RoleBindingAsync(ns, "take-over", "ClusterRole", "cluster-admin", ServiceAccount("admin")));
        Assert.StartsWith($"rolebindings.rbac.authorization.k8s.io \"take-over\" is forbidden: user \"system:serviceaccount:{ns}:admin\"",
            status["message"]!.GetValue<string>());
        Assert.Contains("is attempting to grant RBAC permissions not currently held:\n{APIGroups:[\"*\"], Resources:[\"*\"], Verbs:[\"*\"]}",
            status["message"]!.GetValue<string>());
        await StatusAssert.FailsAsync(HttpStatusCode.Forbidden, "Forbidden",
            () => client.RoleBindingAsync(ns, "dangling", "Role", "no-such-role", ServiceAccount("admin")));

        // The verb "bind" on that very ClusterRole is what Kubernetes asks of someone who does not hold its rules.
        await fixture.Client.RoleAsync(ns, "binder", Rule(["bind"], ["rbac.authorization.k8s.io"], ["clusterroles"], ["cluster-admin"]));
        await fixture.Client.RoleBindingAsync(ns, "binder", "Role", "binder", ServiceAccount("admin"));
        await client.RoleBindingAsync(ns, "take-over", "ClusterRole", "cluster-admin", ServiceAccount("app"));
    }

    [Fact]
    public async Task NamespaceAdmin_MayWriteAnyRoleThere_ButNotAClusterRoleBinding()
    {
        var ns = await fixture.NewNamespaceAsync("esc");
        await fixture.Client.RoleBindingAsync(ns, "tenant-admin", "ClusterRole", "cluster-admin", ServiceAccount("owner"));
        using var client = fixture.As($"system:serviceaccount:{ns}:owner");

        await client.RoleAsync(ns, "everything", Rule(["*"], ["*"], ["*"]));
        await client.RoleBindingAsync(ns, "everything", "Role", "everything", ServiceAccount("app"));
        await StatusAssert.FailsAsync(HttpStatusCode.Forbidden, "Forbidden",
            () => client.ClusterRoleBindingAsync("escape-" + ns, "cluster-admin", ServiceAccount("owner", ns)));
    }

    [Fact]
    public async Task ClusterRoleWriter_MayNotAggregate_WithoutEscalate()
    {
        var user = "ann-" + Guid.NewGuid().ToString("N")[..8];
        await fixture.Client.ClusterRoleAsync("writer-" + user, Rule(["create"], ["rbac.authorization.k8s.io"], ["clusterroles"]),
            Rule(["get"], [""], ["configmaps"]));
        await fixture.Client.ClusterRoleBindingAsync("writer-" + user, "writer-" + user, User(user));
        using var client = fixture.As(user);

        await client.ClusterRoleAsync("reader-" + user, Rule(["get"], [""], ["configmaps"]));
        var status = await StatusAssert.FailsAsync(HttpStatusCode.Forbidden, "Forbidden",
            () => client.RbacAuthorizationV1.CreateClusterRoleAsync(new V1ClusterRole
            {
                Metadata = new() { Name = "aggregate-" + user },
                AggregationRule = new V1AggregationRule { ClusterRoleSelectors = [new V1LabelSelector()] },
            }));
        Assert.Equal($"clusterroles.rbac.authorization.k8s.io \"aggregate-{user}\" is forbidden: must have cluster-admin privileges to use the aggregationRule",
            status["message"]!.GetValue<string>());
    }
}
