using Tide.Testing;

namespace Tide.EndToEnd.Tests;

/// <summary>Multi-tenancy with spec.serviceAccountName: a tenant's Kustomization applies, prunes and health-checks as
/// its ServiceAccount, so the API server's RBAC limits it to what that account may do, with Kubernetes' forbidden
/// message in its Ready condition when it tries more.</summary>
public sealed class ServiceAccountTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private const string ReadyPath = "{.status.conditions[?(@.type==\"Ready\")].status}";
    private const string ReadyMessagePath = "{.status.conditions[?(@.type==\"Ready\")].message}";

    /// <summary>team-a and team-b; in team-a the ServiceAccount deployer may write ConfigMaps and Deployments there
    /// and nowhere else (a Role and a RoleBinding, as a platform team would set up a tenant).</summary>
    private static async Task CreateTenantAsync(TideEnvironment env)
    {
        await env.Kubectl.ApplyAsync(Manifests.Namespace("team-a") + "\n---\n" + Manifests.Namespace("team-b"));
        await env.Kubectl.ApplyAsync("""
            apiVersion: v1
            kind: ServiceAccount
            metadata:
              name: deployer
              namespace: team-a
            ---
            apiVersion: rbac.authorization.k8s.io/v1
            kind: Role
            metadata:
              name: deployer
              namespace: team-a
            rules:
            - apiGroups: [""]
              resources: [configmaps]
              verbs: [get, list, watch, create, update, patch, delete]
            - apiGroups: [apps]
              resources: [deployments]
              verbs: [get, list, watch, create, update, patch, delete]
            ---
            apiVersion: rbac.authorization.k8s.io/v1
            kind: RoleBinding
            metadata:
              name: deployer
              namespace: team-a
            roleRef:
              apiGroup: rbac.authorization.k8s.io
              kind: Role
              name: deployer
            subjects:
            - kind: ServiceAccount
              name: deployer
            """);
    }

    private static string TenantKustomization(string name, string path, string? serviceAccount) =>
        Manifests.Kustomization(name, "tenant", path).Replace("namespace: flux-system", "namespace: team-a")
        + "\n  wait: true" + (serviceAccount is null ? "" : "\n  serviceAccountName: " + serviceAccount) + "\n";

    private static async Task<string> StartTenantSourceAsync(TideEnvironment env, GitWorkingCopy repo)
    {
        var commit = await repo.CommitAndPushAsync("tenant");
        await env.Kubectl.ApplyAsync(Manifests.GitRepository("tenant", env.Git.RepositoryUrl("tenant"))
            .Replace("namespace: flux-system", "namespace: team-a"));
        return commit;
    }

    private static Task WaitForAppliedAsync(TideEnvironment env, string name, string commit) =>
        Eventually.WaitAsync(async () =>
                (await env.Kubectl.JsonPathAsync("kustomization/" + name, "team-a", "{.status.lastAppliedRevision} " + ReadyPath),
                 await env.Kubectl.JsonPathAsync("kustomization/" + name, "team-a", ReadyMessagePath)),
            seen => seen.Item1 == $"main@sha1:{commit} True", Timeout, $"Kustomization {name} to apply {commit}");

    private static Task<string?> WaitForFailureAsync(TideEnvironment env, string name, string commit) =>
        Eventually.WaitAsync(async () =>
                await env.Kubectl.JsonPathAsync("kustomization/" + name, "team-a",
                    "{.status.lastAttemptedRevision} " + ReadyPath + " " + ReadyMessagePath),
            seen => seen?.StartsWith($"main@sha1:{commit} False ", StringComparison.Ordinal) == true, Timeout,
            $"Kustomization {name} to fail on {commit}");

    [Fact]
    public async Task ServiceAccount_AppliesWithinItsRbac_AndIsForbiddenOutsideIt()
    {
        await using var env = await TideEnvironment.StartAsync();
        await CreateTenantAsync(env);
        var repo = await env.CreateRepositoryAsync("tenant");
        repo.Write("tenant/settings.yaml", Manifests.ConfigMap("team-a", "settings", "one"));
        repo.Write("tenant/web.yaml", Manifests.Deployment("team-a", "web", 1));
        var first = await StartTenantSourceAsync(env, repo);
        await env.Kubectl.ApplyAsync(TenantKustomization("apps", "./tenant", "deployer"));

        await WaitForAppliedAsync(env, "apps", first);
        Assert.Equal("one", await env.Kubectl.JsonPathAsync("configmap/settings", "team-a", "{.data.value}"));
        Assert.Equal("web", await env.Kubectl.JsonPathAsync("deployment/web", "team-a", "{.metadata.name}"));

        // The next revision reaches into team-b: refused by RBAC, nothing lands there, nothing of team-a is pruned.
        repo.Write("tenant/intruder.yaml", Manifests.ConfigMap("team-b", "intruder", "x"));
        var second = await repo.CommitAndPushAsync("reach into team-b");
        var failed = await WaitForFailureAsync(env, "apps", second);
        Assert.Contains("configmaps \"intruder\" is forbidden: User \"system:serviceaccount:team-a:deployer\" cannot get resource " +
            "\"configmaps\" in API group \"\" in the namespace \"team-b\"", failed);
        Assert.Null(await env.Kubectl.JsonPathAsync("configmap/intruder", "team-b", "{.metadata.name}"));
        Assert.Equal("one", await env.Kubectl.JsonPathAsync("configmap/settings", "team-a", "{.data.value}"));
        Assert.Equal("web", await env.Kubectl.JsonPathAsync("deployment/web", "team-a", "{.metadata.name}"));
        Assert.Equal($"main@sha1:{first}", await env.Kubectl.JsonPathAsync("kustomization/apps", "team-a", "{.status.lastAppliedRevision}"));

        // An account without any binding may do nothing at all; the failure is a status, and Tide carries on.
        await env.Kubectl.ApplyAsync(TenantKustomization("stranger", "./tenant", "nobody"));
        var refused = await WaitForFailureAsync(env, "stranger", second);
        Assert.Contains("is forbidden: User \"system:serviceaccount:team-a:nobody\" cannot get resource", refused);

        repo.Delete("tenant/intruder.yaml");
        repo.Write("tenant/settings.yaml", Manifests.ConfigMap("team-a", "settings", "three"));
        var third = await repo.CommitAndPushAsync("back within team-a");
        await WaitForAppliedAsync(env, "apps", third);
        Assert.Equal("three", await env.Kubectl.JsonPathAsync("configmap/settings", "team-a", "{.data.value}"));

        // Pruning is done as the account too: what left the source is deleted in team-a.
        repo.Delete("tenant/web.yaml");
        var fourth = await repo.CommitAndPushAsync("drop web");
        await WaitForAppliedAsync(env, "apps", fourth);
        await Eventually.WaitAsync(() => env.Kubectl.JsonPathAsync("deployment/web", "team-a", "{.metadata.name}"),
            name => name is null, Timeout, "web to be pruned");

        // Deleted while its account exists, a Kustomization prunes what it applied (as the account); once the account
        // is gone (its tenant being removed), it goes without deleting anything on that account's behalf, as in Flux.
        repo.Write("extra/extra.yaml", Manifests.ConfigMap("team-a", "extra", "x"));
        var fifth = await repo.CommitAndPushAsync("extra");
        await env.Kubectl.ApplyAsync(TenantKustomization("extra", "./extra", "deployer"));
        await WaitForAppliedAsync(env, "extra", fifth);
        await env.Kubectl.RunAsync("delete", "kustomization/extra", "-n", "team-a", "--wait=false");
        await Eventually.WaitAsync(() => env.Kubectl.JsonPathAsync("configmap/extra", "team-a", "{.metadata.name}"),
            name => name is null, Timeout, "the extra ConfigMap to be pruned on deletion");
        await env.Kubectl.RunAsync("delete", "serviceaccount/deployer", "-n", "team-a");
        await env.Kubectl.RunAsync("delete", "kustomization/apps", "-n", "team-a", "--wait=false");
        await Eventually.WaitAsync(() => env.Kubectl.JsonPathAsync("kustomization/apps", "team-a", "{.metadata.name}"),
            name => name is null, Timeout, "the apps Kustomization to go");
        Assert.Equal("three", await env.Kubectl.JsonPathAsync("configmap/settings", "team-a", "{.data.value}"));
    }

    [Fact]
    public async Task RightsRevokedDuringAHealthWait_EndTheWaitWithTheForbiddenMessage()
    {
        // Workloads take minutes to become ready: the Kustomization is still waiting when the rights go.
        await using var env = await TideEnvironment.StartAsync(
            apiServer: new Tide.ApiServer.ApiServerOptions { WorkloadDelay = TimeSpan.FromMinutes(10) });
        await CreateTenantAsync(env);
        var repo = await env.CreateRepositoryAsync("tenant");
        repo.Write("tenant/web.yaml", Manifests.Deployment("team-a", "web", 1));
        await StartTenantSourceAsync(env, repo);
        await env.Kubectl.ApplyAsync(TenantKustomization("apps", "./tenant", "deployer"));
        await Eventually.WaitAsync(() => env.Kubectl.JsonPathAsync("kustomization/apps", "team-a", ReadyMessagePath),
            message => message?.StartsWith("Health check in progress", StringComparison.Ordinal) == true, Timeout,
            "the health wait to start");

        await env.Kubectl.RunAsync("delete", "rolebinding/deployer", "-n", "team-a");

        var failed = await Eventually.WaitAsync(async () =>
                await env.Kubectl.JsonPathAsync("kustomization/apps", "team-a",
                    "{.status.conditions[?(@.type==\"Ready\")].reason} " + ReadyMessagePath),
            seen => seen?.StartsWith("HealthCheckFailed ", StringComparison.Ordinal) == true, Timeout,
            "the health wait to end as forbidden");
        Assert.Contains("deployments.apps \"web\" is forbidden: User \"system:serviceaccount:team-a:deployer\"", failed);
    }

    [Fact]
    public async Task DefaultServiceAccount_IsImpersonated_WhenTheKustomizationNamesNone()
    {
        await using var env = await TideEnvironment.StartAsync(extraConfig: "tide.default-service-account = deployer");
        await CreateTenantAsync(env);
        var repo = await env.CreateRepositoryAsync("tenant");
        repo.Write("tenant/settings.yaml", Manifests.ConfigMap("team-a", "settings", "one"));
        repo.Write("tenant/intruder.yaml", Manifests.ConfigMap("team-b", "intruder", "x"));
        var commit = await StartTenantSourceAsync(env, repo);
        await env.Kubectl.ApplyAsync(TenantKustomization("apps", "./tenant", serviceAccount: null));

        var failed = await WaitForFailureAsync(env, "apps", commit);
        Assert.Contains("User \"system:serviceaccount:team-a:deployer\" cannot get resource \"configmaps\" in API group \"\" in the namespace \"team-b\"", failed);
        Assert.Null(await env.Kubectl.JsonPathAsync("configmap/intruder", "team-b", "{.metadata.name}"));
    }
}
