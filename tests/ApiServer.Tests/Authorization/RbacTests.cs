using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using k8s;
using k8s.Autorest;
using k8s.Models;
using static Tide.ApiServer.Tests.Authorization.RbacObjects;

namespace Tide.ApiServer.Tests.Authorization;

/// <summary>RBAC over HTTP with KubernetesClient: the admin is not limited; impersonated users get exactly what
/// their Roles, ClusterRoles and bindings allow, and are refused with Kubernetes' 403 Status otherwise.</summary>
[Collection(ApiServerCollection.Name)]
public sealed class RbacTests(ApiServerFixture fixture)
{
    private static string Sa(string ns, string name) => $"system:serviceaccount:{ns}:{name}";

    private static async Task ForbiddenAsync(Func<Task> call, string message)
    {
        var status = await StatusAssert.FailsAsync(HttpStatusCode.Forbidden, "Forbidden", call);
        Assert.Equal(message, status["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task Denied_IsKubernetesForbiddenStatus_WithNameGroupAndResource()
    {
        var ns = await fixture.NewNamespaceAsync("rbac");
        var user = Sa(ns, "nobody");
        using var client = fixture.As(user);
        await fixture.Client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("x"), ns);

        var status = await StatusAssert.FailsAsync(HttpStatusCode.Forbidden, "Forbidden",
            () => client.CoreV1.ReadNamespacedConfigMapAsync("x", ns));
        Assert.Equal($"configmaps \"x\" is forbidden: User \"{user}\" cannot get resource \"configmaps\" in API group \"\" in the namespace \"{ns}\"",
            status["message"]!.GetValue<string>());
        Assert.Equal("Failure", status["status"]!.GetValue<string>());
        Assert.Equal(403, status["code"]!.GetValue<int>());
        Assert.True(JsonNode.DeepEquals(new JsonObject { ["name"] = "x", ["kind"] = "configmaps" }, status["details"]), status.ToJsonString());

        await ForbiddenAsync(() => client.CoreV1.ListNamespacedConfigMapAsync(ns),
            $"configmaps is forbidden: User \"{user}\" cannot list resource \"configmaps\" in API group \"\" in the namespace \"{ns}\"");
        var deployment = await StatusAssert.FailsAsync(HttpStatusCode.Forbidden, "Forbidden",
            () => client.AppsV1.PatchNamespacedDeploymentAsync(new V1Patch(Deployments.New("web", 1), V1Patch.PatchType.ApplyPatch), "web", ns,
                fieldManager: "test"));
        Assert.Equal($"deployments.apps \"web\" is forbidden: User \"{user}\" cannot patch resource \"deployments\" in API group \"apps\" in the namespace \"{ns}\"",
            deployment["message"]!.GetValue<string>());
        Assert.True(JsonNode.DeepEquals(new JsonObject { ["name"] = "web", ["group"] = "apps", ["kind"] = "deployments" }, deployment["details"]),
            deployment.ToJsonString());
        await ForbiddenAsync(() => client.AppsV1.CreateNamespacedDeploymentAsync(Deployments.New("web", 1), ns),
            $"deployments.apps is forbidden: User \"{user}\" cannot create resource \"deployments\" in API group \"apps\" in the namespace \"{ns}\"");
        await ForbiddenAsync(() => client.CoreV1.ListNamespaceAsync(),
            $"namespaces is forbidden: User \"{user}\" cannot list resource \"namespaces\" in API group \"\" at the cluster scope");
        await ForbiddenAsync(() => client.RbacAuthorizationV1.ReadClusterRoleAsync("cluster-admin"),
            $"clusterroles.rbac.authorization.k8s.io \"cluster-admin\" is forbidden: User \"{user}\" cannot get resource \"clusterroles\" in API group \"rbac.authorization.k8s.io\" at the cluster scope");
    }

    [Fact]
    public async Task RoleVerbs_AllowExactlyThoseVerbs()
    {
        var ns = await fixture.NewNamespaceAsync("rbac");
        await fixture.Client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("x"), ns);
        await fixture.Client.RoleAsync(ns, "reader", Rule(["get", "list"], [""], ["configmaps"]));
        await fixture.Client.RoleBindingAsync(ns, "reader", "Role", "reader", ServiceAccount("app"));
        using var client = fixture.As(Sa(ns, "app"));

        Assert.Equal("v", (await client.CoreV1.ReadNamespacedConfigMapAsync("x", ns)).Data["k"]);
        Assert.Single(NamespaceContent.OwnConfigMaps(await client.CoreV1.ListNamespacedConfigMapAsync(ns)));
        await ForbiddenAsync(() => client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("y"), ns),
            $"configmaps is forbidden: User \"{Sa(ns, "app")}\" cannot create resource \"configmaps\" in API group \"\" in the namespace \"{ns}\"");
        await ForbiddenAsync(() => client.CoreV1.DeleteNamespacedConfigMapAsync("x", ns),
            $"configmaps \"x\" is forbidden: User \"{Sa(ns, "app")}\" cannot delete resource \"configmaps\" in API group \"\" in the namespace \"{ns}\"");
        await ForbiddenAsync(() => client.CoreV1.ListNamespacedSecretAsync(ns),
            $"secrets is forbidden: User \"{Sa(ns, "app")}\" cannot list resource \"secrets\" in API group \"\" in the namespace \"{ns}\"");
        // The same resource name in another group is another resource.
        await fixture.Client.RoleAsync(ns, "wrong-group", Rule(["*"], ["apps"], ["configmaps"]));
        await fixture.Client.RoleBindingAsync(ns, "wrong-group", "Role", "wrong-group", ServiceAccount("app"));
        await Assert.ThrowsAsync<HttpOperationException>(() => client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("y"), ns));
    }

    [Fact]
    public async Task Watch_NeedsTheWatchVerb_NotList()
    {
        var ns = await fixture.NewNamespaceAsync("rbac");
        await fixture.Client.RoleAsync(ns, "lister", Rule(["list"], [""], ["configmaps"]));
        await fixture.Client.RoleBindingAsync(ns, "lister", "Role", "lister", ServiceAccount("app"));
        var path = $"/api/v1/namespaces/{ns}/configmaps?watch=true&timeoutSeconds=1";

        using (var refused = await SendAsync(HttpMethod.Get, path, Sa(ns, "app")))
        {
            var status = await StatusAssert.StatusOfAsync(refused, HttpStatusCode.Forbidden, "Forbidden");
            Assert.Equal($"configmaps is forbidden: User \"{Sa(ns, "app")}\" cannot watch resource \"configmaps\" in API group \"\" in the namespace \"{ns}\"",
                status["message"]!.GetValue<string>());
        }
        await fixture.Client.RoleAsync(ns, "watcher", Rule(["watch"], [""], ["configmaps"]));
        await fixture.Client.RoleBindingAsync(ns, "watcher", "Role", "watcher", ServiceAccount("app"));
        using var allowed = await SendAsync(HttpMethod.Get, path, Sa(ns, "app"));
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
    }

    [Fact]
    public async Task Subresources_MatchResourceSlashSubresource_AndStarSlashSubresource()
    {
        var ns = await fixture.NewNamespaceAsync("rbac");
        await fixture.Client.AppsV1.CreateNamespacedDeploymentAsync(Deployments.New("web", 1), ns);
        await fixture.Client.RoleAsync(ns, "status", Rule(["get", "patch"], ["apps"], ["deployments/status", "*/scale"]));
        await fixture.Client.RoleBindingAsync(ns, "status", "Role", "status", ServiceAccount("ctl"));
        using var client = fixture.As(Sa(ns, "ctl"));
        var patch = new V1Patch("""{"status":{"observedGeneration":1}}""", V1Patch.PatchType.MergePatch);

        await client.AppsV1.PatchNamespacedDeploymentStatusAsync(patch, "web", ns);
        Assert.Equal(1, (await client.AppsV1.ReadNamespacedDeploymentScaleAsync("web", ns)).Spec.Replicas);
        await ForbiddenAsync(() => client.AppsV1.PatchNamespacedDeploymentAsync(patch, "web", ns),
            $"deployments.apps \"web\" is forbidden: User \"{Sa(ns, "ctl")}\" cannot patch resource \"deployments\" in API group \"apps\" in the namespace \"{ns}\"");
        await ForbiddenAsync(() => client.AppsV1.ReplaceNamespacedDeploymentStatusAsync(Deployments.New("web", 1), "web", ns),
            $"deployments.apps \"web\" is forbidden: User \"{Sa(ns, "ctl")}\" cannot update resource \"deployments/status\" in API group \"apps\" in the namespace \"{ns}\"");
    }

    [Fact]
    public async Task ResourceNames_LimitRequestsThatNameAnObject()
    {
        var ns = await fixture.NewNamespaceAsync("rbac");
        foreach (var name in new[] { "mine", "other" }) await fixture.Client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap(name), ns);
        await fixture.Client.RoleAsync(ns, "one", Rule(["get", "list", "create", "update", "delete", "deletecollection"], [""], ["configmaps"], ["mine"]));
        await fixture.Client.RoleBindingAsync(ns, "one", "Role", "one", ServiceAccount("app"));
        using var client = fixture.As(Sa(ns, "app"));
        var user = Sa(ns, "app");

        var mine = await client.CoreV1.ReadNamespacedConfigMapAsync("mine", ns);
        mine.Data["k"] = "changed";
        await client.CoreV1.ReplaceNamespacedConfigMapAsync(mine, "mine", ns);
        await ForbiddenAsync(() => client.CoreV1.ReadNamespacedConfigMapAsync("other", ns),
            $"configmaps \"other\" is forbidden: User \"{user}\" cannot get resource \"configmaps\" in API group \"\" in the namespace \"{ns}\"");
        await ForbiddenAsync(() => client.CoreV1.ListNamespacedConfigMapAsync(ns),
            $"configmaps is forbidden: User \"{user}\" cannot list resource \"configmaps\" in API group \"\" in the namespace \"{ns}\"");
        // A list pinned to the name by a field selector is about that one object, as in Kubernetes.
        Assert.Single((await client.CoreV1.ListNamespacedConfigMapAsync(ns, fieldSelector: "metadata.name=mine")).Items);
        await ForbiddenAsync(() => client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("mine2"), ns),
            $"configmaps is forbidden: User \"{user}\" cannot create resource \"configmaps\" in API group \"\" in the namespace \"{ns}\"");
        await ForbiddenAsync(() => client.CoreV1.DeleteCollectionNamespacedConfigMapAsync(ns),
            $"configmaps is forbidden: User \"{user}\" cannot deletecollection resource \"configmaps\" in API group \"\" in the namespace \"{ns}\"");
        await client.CoreV1.DeleteNamespacedConfigMapAsync("mine", ns);
        Assert.Equal(["other"], NamespaceContent.OwnConfigMaps(await fixture.Client.CoreV1.ListNamespacedConfigMapAsync(ns)));
    }

    [Fact]
    public async Task RoleBindingToClusterRole_GrantsOnlyInItsNamespace_ClusterRoleBindingEverywhere()
    {
        var home = await fixture.NewNamespaceAsync("rbac");
        var away = await fixture.NewNamespaceAsync("rbac");
        var role = "cm-writer-" + home;
        await fixture.Client.ClusterRoleAsync(role, Rule(["*"], [""], ["configmaps"]));
        await fixture.Client.RoleBindingAsync(home, "writer", "ClusterRole", role, ServiceAccount("app"));
        using var client = fixture.As(Sa(home, "app"));

        await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("a"), home);
        await ForbiddenAsync(() => client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("a"), away),
            $"configmaps is forbidden: User \"{Sa(home, "app")}\" cannot create resource \"configmaps\" in API group \"\" in the namespace \"{away}\"");
        await ForbiddenAsync(() => client.CoreV1.ListConfigMapForAllNamespacesAsync(),
            $"configmaps is forbidden: User \"{Sa(home, "app")}\" cannot list resource \"configmaps\" in API group \"\" at the cluster scope");

        // A ClusterRoleBinding names the ServiceAccount's namespace; then it holds everywhere, cluster-wide lists too.
        await fixture.Client.ClusterRoleBindingAsync(role, role, ServiceAccount("app", home));
        await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("a"), away);
        Assert.Contains((await client.CoreV1.ListConfigMapForAllNamespacesAsync()).Items, c => c.Metadata.NamespaceProperty == away);
    }

    [Fact]
    public async Task ClusterScopedResources_NeedAClusterRoleBinding()
    {
        var ns = await fixture.NewNamespaceAsync("rbac");
        var role = "ns-reader-" + ns;
        await fixture.Client.ClusterRoleAsync(role, Rule(["get", "list"], [""], ["namespaces"]));
        await fixture.Client.RoleBindingAsync(ns, "ns-reader", "ClusterRole", role, User("amy-" + ns));
        using var client = fixture.As("amy-" + ns);

        // As in Kubernetes, a Namespace object is "in" itself: a RoleBinding there lets one get it, not list them all.
        Assert.Equal(ns, (await client.CoreV1.ReadNamespaceAsync(ns)).Metadata.Name);
        await ForbiddenAsync(() => client.CoreV1.ReadNamespaceAsync("default"),
            $"namespaces \"default\" is forbidden: User \"amy-{ns}\" cannot get resource \"namespaces\" in API group \"\" in the namespace \"default\"");
        await ForbiddenAsync(() => client.CoreV1.ListNamespaceAsync(),
            $"namespaces is forbidden: User \"amy-{ns}\" cannot list resource \"namespaces\" in API group \"\" at the cluster scope");
        await fixture.Client.ClusterRoleBindingAsync(role, role, User("amy-" + ns));
        Assert.Contains((await client.CoreV1.ListNamespaceAsync()).Items, n => n.Metadata.Name == "default");
    }

    [Fact]
    public async Task GroupSubjects_MatchImpersonatedGroups_AndServiceAccountGroups()
    {
        var ns = await fixture.NewNamespaceAsync("rbac");
        await fixture.Client.RoleAsync(ns, "cm", Rule(["list"], [""], ["configmaps"]));
        await fixture.Client.RoleAsync(ns, "secrets", Rule(["list"], [""], ["secrets"]));
        await fixture.Client.RoleBindingAsync(ns, "devs", "Role", "cm", Group("devs-" + ns));
        await fixture.Client.RoleBindingAsync(ns, "accounts", "Role", "secrets", Group("system:serviceaccounts:" + ns));

        using var dev = fixture.As("jane", "devs-" + ns);
        Assert.Empty(NamespaceContent.OwnConfigMaps(await dev.CoreV1.ListNamespacedConfigMapAsync(ns)));
        using var outsider = fixture.As("jane", "ops");
        await ForbiddenAsync(() => outsider.CoreV1.ListNamespacedConfigMapAsync(ns),
            $"configmaps is forbidden: User \"jane\" cannot list resource \"configmaps\" in API group \"\" in the namespace \"{ns}\"");

        // Every ServiceAccount of the namespace is in system:serviceaccounts:<ns>.
        using var account = fixture.As(Sa(ns, "any"));
        Assert.Empty((await account.CoreV1.ListNamespacedSecretAsync(ns)).Items);
        using var foreign = fixture.As(Sa("elsewhere", "any"));
        await Assert.ThrowsAsync<HttpOperationException>(() => foreign.CoreV1.ListNamespacedSecretAsync(ns));
        // system:masters is the admin.
        using var master = fixture.As("root", "system:masters");
        Assert.NotEmpty((await master.CoreV1.ListNamespaceAsync()).Items);
    }

    [Fact]
    public async Task ServiceAccountSubjects_DefaultToTheBindingsNamespace()
    {
        var ns = await fixture.NewNamespaceAsync("rbac");
        var other = await fixture.NewNamespaceAsync("rbac");
        await fixture.Client.RoleAsync(ns, "cm", Rule(["list"], [""], ["configmaps"]));
        await fixture.Client.RoleBindingAsync(ns, "local", "Role", "cm", ServiceAccount("local"));
        await fixture.Client.RoleBindingAsync(ns, "visitor", "Role", "cm", ServiceAccount("visitor", other));

        using var local = fixture.As(Sa(ns, "local"));
        Assert.Empty(NamespaceContent.OwnConfigMaps(await local.CoreV1.ListNamespacedConfigMapAsync(ns)));
        using var visitor = fixture.As(Sa(other, "visitor"));
        Assert.Empty(NamespaceContent.OwnConfigMaps(await visitor.CoreV1.ListNamespacedConfigMapAsync(ns)));
        using var sameNameElsewhere = fixture.As(Sa(other, "local"));
        await Assert.ThrowsAsync<HttpOperationException>(() => sameNameElsewhere.CoreV1.ListNamespacedConfigMapAsync(ns));
    }

    [Fact]
    public async Task BindingAndRoleChanges_TakeEffectOnTheNextRequest()
    {
        var ns = await fixture.NewNamespaceAsync("rbac");
        using var client = fixture.As(Sa(ns, "app"));
        await Assert.ThrowsAsync<HttpOperationException>(() => client.CoreV1.ListNamespacedConfigMapAsync(ns));

        await fixture.Client.RoleAsync(ns, "cm", Rule(["list"], [""], ["configmaps"]));
        await fixture.Client.RoleBindingAsync(ns, "cm", "Role", "cm", ServiceAccount("app"));
        Assert.Empty(NamespaceContent.OwnConfigMaps(await client.CoreV1.ListNamespacedConfigMapAsync(ns)));

        await fixture.Client.RbacAuthorizationV1.PatchNamespacedRoleAsync(
            new V1Patch("""{"rules":[{"apiGroups":[""],"resources":["secrets"],"verbs":["list"]}]}""", V1Patch.PatchType.MergePatch), "cm", ns);
        await Assert.ThrowsAsync<HttpOperationException>(() => client.CoreV1.ListNamespacedConfigMapAsync(ns));
        Assert.Empty((await client.CoreV1.ListNamespacedSecretAsync(ns)).Items);

        await fixture.Client.RbacAuthorizationV1.DeleteNamespacedRoleBindingAsync("cm", ns);
        await Assert.ThrowsAsync<HttpOperationException>(() => client.CoreV1.ListNamespacedSecretAsync(ns));
    }

    [Fact]
    public async Task BindingToAMissingRole_SaysSoInTheForbiddenMessage()
    {
        var ns = await fixture.NewNamespaceAsync("rbac");
        await fixture.Client.RoleBindingAsync(ns, "dangling", "ClusterRole", "no-such-role", ServiceAccount("app"));
        using var client = fixture.As(Sa(ns, "app"));
        await ForbiddenAsync(() => client.CoreV1.ListNamespacedConfigMapAsync(ns),
            $"configmaps is forbidden: User \"{Sa(ns, "app")}\" cannot list resource \"configmaps\" in API group \"\" in the namespace \"{ns}\": " +
            "RBAC: clusterrole.rbac.authorization.k8s.io \"no-such-role\" not found");
    }

    [Fact]
    public async Task AggregatedClusterRole_HasTheRulesOfTheRolesItSelects()
    {
        var ns = await fixture.NewNamespaceAsync("rbac");
        var label = "example.com/aggregate-to-" + ns;
        await fixture.Client.RbacAuthorizationV1.CreateClusterRoleAsync(new V1ClusterRole
        {
            Metadata = new() { Name = "aggregate-" + ns },
            AggregationRule = new V1AggregationRule
            {
                ClusterRoleSelectors = [new V1LabelSelector { MatchLabels = new Dictionary<string, string> { [label] = "true" } }],
            },
        });
        await fixture.Client.RoleBindingAsync(ns, "agg", "ClusterRole", "aggregate-" + ns, ServiceAccount("app"));
        using var client = fixture.As(Sa(ns, "app"));
        await Assert.ThrowsAsync<HttpOperationException>(() => client.CoreV1.ListNamespacedConfigMapAsync(ns));

        await fixture.Client.RbacAuthorizationV1.CreateClusterRoleAsync(new V1ClusterRole
        {
            Metadata = new() { Name = "part-" + ns, Labels = new Dictionary<string, string> { [label] = "true" } },
            Rules = [Rule(["list"], [""], ["configmaps"])],
        });
        Assert.Empty(NamespaceContent.OwnConfigMaps(await client.CoreV1.ListNamespacedConfigMapAsync(ns)));
    }

    [Fact]
    public async Task Discovery_IsOpenToAuthenticatedUsers_OtherPathsAreNot()
    {
        using var client = fixture.As("nobody");
        Assert.NotEmpty((await client.Version.GetCodeAsync()).GitVersion);
        foreach (var path in new[] { "/api", "/api/v1", "/apis", "/apis/apps/v1", "/openapi/v3", "/version" })
        {
            using var response = await SendAsync(HttpMethod.Get, path, "nobody");
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {response.StatusCode}");
        }
        using var metrics = await SendAsync(HttpMethod.Get, "/metrics", "nobody");
        var status = await StatusAssert.StatusOfAsync(metrics, HttpStatusCode.Forbidden, "Forbidden");
        Assert.Equal("forbidden: User \"nobody\" cannot get path \"/metrics\"", status["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task BootstrapClusterAdmin_BoundPerNamespace_GivesFullControlOfThatNamespaceOnly()
    {
        // Flux's multi-tenancy setup: a tenant's reconciler account is bound to cluster-admin in its own namespace.
        var ns = await fixture.NewNamespaceAsync("tenant");
        var other = await fixture.NewNamespaceAsync("rbac");
        await fixture.Client.RoleBindingAsync(ns, "gotk-reconciler", "ClusterRole", "cluster-admin", ServiceAccount("reconciler"));
        using var client = fixture.As(Sa(ns, "reconciler"));
        await client.AppsV1.CreateNamespacedDeploymentAsync(Deployments.New("web", 1), ns);
        await client.RoleAsync(ns, "anything", Rule(["get"], [""], ["pods"]));
        await Assert.ThrowsAsync<HttpOperationException>(() => client.AppsV1.CreateNamespacedDeploymentAsync(Deployments.New("web", 1), other));
        await Assert.ThrowsAsync<HttpOperationException>(() => client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new() { Name = "x-" + ns } }));
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string user, string? body = null)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Add("Impersonate-User", user);
        if (body is not null) request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        return await fixture.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
    }
}
