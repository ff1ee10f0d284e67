using System.Net;
using System.Net.Http.Headers;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Tide.ApiServer.Http;
using static Tide.ApiServer.Tests.Authorization.RbacObjects;

namespace Tide.ApiServer.Tests.Authorization;

/// <summary>"May I?" through SelfSubjectAccessReview and SubjectAccessReview (KubernetesClient and kubectl auth can-i),
/// kubectl --as refused with Kubernetes' message, and impersonation itself needing permission.</summary>
[Collection(ApiServerCollection.Name)]
public sealed class AccessReviewTests(ApiServerFixture fixture)
{
    private static string Sa(string ns, string name) => $"system:serviceaccount:{ns}:{name}";

    private async Task<string> DeployerNamespaceAsync()
    {
        var ns = await fixture.NewNamespaceAsync("review");
        await fixture.Client.RoleAsync(ns, "deployer", Rule(["get", "list", "create", "patch"], ["apps"], ["deployments"]),
            Rule(["get", "list"], [""], ["configmaps"], null));
        await fixture.Client.RoleBindingAsync(ns, "deployer", "Role", "deployer", ServiceAccount("deployer"));
        return ns;
    }

    [Fact]
    public async Task SelfSubjectAccessReview_AnswersForTheImpersonatedUser_WithTheAllowingBinding()
    {
        var ns = await DeployerNamespaceAsync();
        using var client = fixture.As(Sa(ns, "deployer"));
        V1SelfSubjectAccessReview Ask(string verb, string group, string resource, string? space) => new()
        {
            Spec = new V1SelfSubjectAccessReviewSpec
            {
                ResourceAttributes = new V1ResourceAttributes { Verb = verb, Group = group, Resource = resource, NamespaceProperty = space },
            },
        };

        var yes = await client.AuthorizationV1.CreateSelfSubjectAccessReviewAsync(Ask("create", "apps", "deployments", ns));
        Assert.True(yes.Status.Allowed);
        Assert.Equal($"RBAC: allowed by RoleBinding \"deployer/{ns}\" of Role \"deployer\" to ServiceAccount \"deployer/{ns}\"", yes.Status.Reason);
        Assert.False((await client.AuthorizationV1.CreateSelfSubjectAccessReviewAsync(Ask("delete", "apps", "deployments", ns))).Status.Allowed);
        Assert.False((await client.AuthorizationV1.CreateSelfSubjectAccessReviewAsync(Ask("create", "apps", "deployments", "default"))).Status.Allowed);
        Assert.True((await fixture.Client.AuthorizationV1.CreateSelfSubjectAccessReviewAsync(Ask("delete", "", "namespaces", null))).Status.Allowed);
    }

    [Fact]
    public async Task SubjectAccessReview_AnswersForTheGivenUserAndGroups()
    {
        var ns = await DeployerNamespaceAsync();
        V1SubjectAccessReview Ask(string user, params string[] groups) => new()
        {
            Spec = new V1SubjectAccessReviewSpec
            {
                User = user,
                Groups = groups,
                ResourceAttributes = new V1ResourceAttributes { Verb = "list", Group = "apps", Resource = "deployments", NamespaceProperty = ns },
            },
        };
        Assert.True((await fixture.Client.AuthorizationV1.CreateSubjectAccessReviewAsync(Ask(Sa(ns, "deployer")))).Status.Allowed);
        Assert.False((await fixture.Client.AuthorizationV1.CreateSubjectAccessReviewAsync(Ask(Sa(ns, "other")))).Status.Allowed);
        Assert.True((await fixture.Client.AuthorizationV1.CreateSubjectAccessReviewAsync(Ask("anyone", "system:masters"))).Status.Allowed);
        // Asking about others is itself a permission (create subjectaccessreviews) a ServiceAccount lacks.
        using var client = fixture.As(Sa(ns, "deployer"));
        await StatusAssert.FailsAsync(HttpStatusCode.Forbidden, "Forbidden",
            () => client.AuthorizationV1.CreateSubjectAccessReviewAsync(Ask(Sa(ns, "deployer"))));
    }

    [Fact]
    public async Task UserFacingRoles_ViewEditAdmin_GrantWhatKubernetesGrants_AndAggregateLabelledRoles()
    {
        var ns = await fixture.NewNamespaceAsync("tenant");
        foreach (var role in new[] { "view", "edit", "admin" })
            await fixture.Client.RoleBindingAsync(ns, role, "ClusterRole", role, ServiceAccount(role));
        async Task<string> CanAsync(string account, params string[] what) =>
            (await fixture.KubectlAsync(["auth", "can-i", .. what, "-n", ns, "--as=" + Sa(ns, account)])).Stdout.Trim();

        Assert.Equal("yes", await CanAsync("view", "list", "deployments.apps"));
        Assert.Equal("no", await CanAsync("view", "get", "secrets"));
        Assert.Equal("no", await CanAsync("view", "create", "configmaps"));
        Assert.Equal("yes", await CanAsync("edit", "create", "deployments.apps"));
        Assert.Equal("yes", await CanAsync("edit", "get", "secrets"));
        Assert.Equal("yes", await CanAsync("edit", "list", "pods"));
        Assert.Equal("no", await CanAsync("edit", "create", "rolebindings.rbac.authorization.k8s.io"));
        Assert.Equal("yes", await CanAsync("admin", "create", "rolebindings.rbac.authorization.k8s.io"));
        Assert.Equal("yes", await CanAsync("admin", "delete", "services"));
        // Only within the namespace the RoleBinding is in.
        Assert.Equal("no", (await fixture.KubectlAsync("auth", "can-i", "list", "pods", "-n", "default",
            "--as=" + Sa(ns, "admin"))).Stdout.Trim());

        // A ClusterRole labelled aggregate-to-view (as operators ship them for their kinds) extends view, and so
        // edit and admin.
        Assert.Equal("no", await CanAsync("view", "list", "leases.coordination.k8s.io"));
        await fixture.Client.RbacAuthorizationV1.CreateClusterRoleAsync(new V1ClusterRole
        {
            Metadata = new()
            {
                Name = "leases-view-" + ns,
                Labels = new Dictionary<string, string> { ["rbac.authorization.k8s.io/aggregate-to-view"] = "true" },
            },
            Rules = [Rule(["get", "list", "watch"], ["coordination.k8s.io"], ["leases"])],
        });
        Assert.Equal("yes", await CanAsync("view", "list", "leases.coordination.k8s.io"));
        Assert.Equal("yes", await CanAsync("admin", "list", "leases.coordination.k8s.io"));
    }

    [Fact]
    public async Task KubectlAuthCanI_AnswersYesAndNo()
    {
        var ns = await DeployerNamespaceAsync();
        var user = Sa(ns, "deployer");
        var yes = await fixture.KubectlAsync("auth", "can-i", "create", "deployments", "-n", ns, "--as=" + user);
        Assert.Equal("yes", yes.Ok().Trim());
        var no = await fixture.KubectlAsync("auth", "can-i", "delete", "deployments", "-n", ns, "--as=" + user);
        Assert.Equal(1, no.ExitCode);
        Assert.Equal("no", no.Stdout.Trim());
        Assert.Equal("no", (await fixture.KubectlAsync("auth", "can-i", "create", "deployments", "-n", "default", "--as=" + user)).Stdout.Trim());
        Assert.Equal("yes", (await fixture.KubectlAsync("auth", "can-i", "get", "configmaps", "-n", ns, "--as=" + user)).Stdout.Trim());
        Assert.Equal("yes", (await fixture.KubectlAsync("auth", "can-i", "delete", "nodes")).Stdout.Trim());
    }

    [Fact]
    public async Task KubectlAuthCanIList_ShowsTheRulesHeldInTheNamespace()
    {
        var ns = await DeployerNamespaceAsync();
        var user = Sa(ns, "deployer");
        var list = (await fixture.KubectlAsync("auth", "can-i", "--list", "-n", ns, "--as=" + user)).Ok();
        Assert.Matches(@"(?m)^deployments\.apps\s+\[\]\s+\[\]\s+\[get list create patch\]", list);
        Assert.Matches(@"(?m)^configmaps\s+\[\]\s+\[\]\s+\[get list\]", list);
        Assert.Matches(@"(?m)^selfsubjectaccessreviews\.authorization\.k8s\.io\s+\[\]\s+\[\]\s+\[create\]", list);
        Assert.Matches(@"(?m)^\s+\[/version\]\s+\[\]\s+\[get\]", list);
        var elsewhere = (await fixture.KubectlAsync("auth", "can-i", "--list", "-n", "default", "--as=" + user)).Ok();
        Assert.DoesNotContain("deployments.apps", elsewhere);
    }

    [Fact]
    public async Task KubectlAs_IsRefusedWithKubernetesMessage_AndAllowedWhereBound()
    {
        var ns = await DeployerNamespaceAsync();
        var user = Sa(ns, "deployer");
        var refused = await fixture.KubectlAsync("--as=" + user, "get", "configmaps", "-n", "default");
        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains($"Error from server (Forbidden): configmaps is forbidden: User \"{user}\" cannot list resource \"configmaps\" " +
            "in API group \"\" in the namespace \"default\"", refused.Stderr);

        Assert.Contains(NamespaceContent.RootCa, (await fixture.KubectlAsync("--as=" + user, "get", "configmaps", "-n", ns)).Ok());
        var manifest = $"""
            apiVersion: apps/v1
            kind: Deployment
            metadata: {"{"}name: web, namespace: {ns}{"}"}
            spec:
              selector: {"{"}matchLabels: {"{"}app: web{"}"}{"}"}
              template:
                metadata: {"{"}labels: {"{"}app: web{"}"}{"}"}
                spec: {"{"}containers: [{"{"}name: web, image: nginx{"}"}]{"}"}
            """;
        (await fixture.KubectlAsync(["--as=" + user, "apply", "--server-side", "-f", "-"], manifest, TimeSpan.FromSeconds(60))).Ok();
        var secret = await fixture.KubectlAsync("--as=" + user, "create", "secret", "generic", "s", "-n", ns, "--from-literal=a=b");
        Assert.Contains($"secrets is forbidden: User \"{user}\" cannot create resource \"secrets\" " +
            $"in API group \"\" in the namespace \"{ns}\"", secret.Stderr);
    }

    [Fact]
    public async Task Impersonating_NeedsTheImpersonateVerb_UnlessAdmin()
    {
        await using var server = await ApiServerHost.StartAsync(new ApiServerOptions
        {
            Users = new Dictionary<string, RequestUser> { ["alice-token"] = new("alice", ["system:authenticated"]) },
        });
        var config = new KubernetesClientConfiguration { Host = server.Url.ToString(), AccessToken = "alice-token" };
        using var alice = new Kubernetes(config);
        await StatusAssert.FailsAsync(HttpStatusCode.Forbidden, "Forbidden", () => alice.CoreV1.ListNamespaceAsync());

        using var http = new HttpClient { BaseAddress = server.Url };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "alice-token");
        async Task<string> ImpersonateAsync(string user, string path)
        {
            var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.Add("Impersonate-User", user);
            using var response = await http.SendAsync(request);
            return response.StatusCode == HttpStatusCode.OK ? "ok"
                : (await StatusAssert.StatusOfAsync(response, HttpStatusCode.Forbidden, "Forbidden"))["message"]!.GetValue<string>();
        }
        Assert.Equal("users \"bob\" is forbidden: User \"alice\" cannot impersonate resource \"users\" in API group \"\" at the cluster scope",
            await ImpersonateAsync("bob", "/api/v1/namespaces/default/configmaps"));
        Assert.Equal("serviceaccounts \"app\" is forbidden: User \"alice\" cannot impersonate resource \"serviceaccounts\" in API group \"\" in the namespace \"team\"",
            await ImpersonateAsync(Sa("team", "app"), "/api/v1/namespaces/team/configmaps"));

        // Allowed to impersonate the ServiceAccount, alice gets what the ServiceAccount may do, no more.
        using var admin = new Kubernetes(new KubernetesClientConfiguration { Host = server.Url.ToString(), AccessToken = server.Token });
        await admin.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new() { Name = "team" } });
        await admin.ClusterRoleAsync("impersonator", Rule(["impersonate"], [""], ["serviceaccounts"]));
        await admin.ClusterRoleBindingAsync("alice-impersonates", "impersonator", User("alice"));
        await admin.RoleAsync("team", "cm", Rule(["list"], [""], ["configmaps"]));
        await admin.RoleBindingAsync("team", "cm", "Role", "cm", ServiceAccount("app"));
        Assert.Equal("ok", await ImpersonateAsync(Sa("team", "app"), "/api/v1/namespaces/team/configmaps"));
        Assert.Equal($"secrets is forbidden: User \"{Sa("team", "app")}\" cannot list resource \"secrets\" in API group \"\" in the namespace \"team\"",
            await ImpersonateAsync(Sa("team", "app"), "/api/v1/namespaces/team/secrets"));
        Assert.StartsWith("users \"bob\" is forbidden", await ImpersonateAsync("bob", "/api/v1/namespaces/default/configmaps"));
    }

    [Fact]
    public async Task TokenReview_NamesTheTokensUserAndGroups_AndRejectsAnUnknownToken()
    {
        await using var server = await ApiServerHost.StartAsync(new ApiServerOptions
        {
            Users = new Dictionary<string, RequestUser> { ["jane-token"] = new("jane", ["developers"]) },
        });
        using var admin = new Kubernetes(new KubernetesClientConfiguration { Host = server.Url.ToString(), AccessToken = server.Token });

        var jane = await admin.AuthenticationV1.CreateTokenReviewAsync(new V1TokenReview { Spec = new V1TokenReviewSpec { Token = "jane-token" } });
        Assert.True(jane.Status.Authenticated);
        Assert.Equal("jane", jane.Status.User.Username);
        Assert.Equal(["developers", "system:authenticated"], jane.Status.User.Groups);
        var unknown = await admin.AuthenticationV1.CreateTokenReviewAsync(new V1TokenReview { Spec = new V1TokenReviewSpec { Token = "guess" } });
        Assert.NotEqual(true, unknown.Status.Authenticated);

        // Discovery lists it, so clients (kubectl, KubeClient) find it.
        using var http = new HttpClient { BaseAddress = server.Url };
        Assert.Contains("\"tokenreviews\"", await http.GetStringAsync("/apis/authentication.k8s.io/v1"));
    }
}
