using Tide.Testing;

namespace Tide.EndToEnd.Tests;

/// <summary>A realistic repository: infrastructure then apps (dependsOn), variables from a ConfigMap, a SOPS-encrypted
/// Secret, `kubectl edit` drift reverted, and deleting the apps Kustomization removes what it applied.</summary>
public sealed class MultiLayerTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private static readonly string Sops = Path.Combine(TestPaths.Corpus, "sops", "flux-kustomize-controller",
        "internal", "controller", "testdata", "sops");

    [Fact]
    public async Task InfrastructureThenApps_WithVariablesAndSecrets_DriftAndDeletion()
    {
        await using var env = await TideEnvironment.StartAsync();
        var repo = await env.CreateRepositoryAsync("fleet");
        repo.Write("infrastructure/namespace.yaml", Manifests.Namespace("shop"));
        repo.Write("infrastructure/quota.yaml", """
            apiVersion: v1
            kind: ResourceQuota
            metadata:
              name: shop-quota
              namespace: shop
            spec:
              hard:
                pods: "20"
            """);
        repo.Write("apps/kustomization.yaml", """
            namespace: shop
            resources:
            - web.yaml
            - secret.yaml
            configMapGenerator:
            - name: web-config
              literals:
              - cluster=${cluster_name}
            """);
        repo.Write("apps/web.yaml", Manifests.Deployment("shop", "web", 2).Replace("image: nginx:1.27", "image: nginx:${nginx_tag:=1.27}"));
        repo.Write("apps/secret.yaml", File.ReadAllText(Path.Combine(Sops, "algorithms", "age.yaml")));
        var commit = await repo.CommitAndPushAsync("fleet");

        await env.Kubectl.ApplyAsync(Manifests.FluxSystem);
        await env.Kubectl.ApplyAsync(Manifests.ConfigMap("flux-system", "cluster-vars", "x").Replace("  value: \"x\"", "  cluster_name: eu-1\n  nginx_tag: \"1.28\""));
        await env.Kubectl.RunAsync("create", "secret", "generic", "sops-age", "-n", "flux-system",
            "--from-file=identity.agekey=" + Path.Combine(Sops, "keys", "age.txt"));
        await env.Kubectl.ApplyAsync(Manifests.GitRepository("fleet", env.Git.RepositoryUrl("fleet")));
        await env.Kubectl.ApplyAsync(Manifests.Kustomization("apps", "fleet", "./apps") + """

              dependsOn:
              - name: infrastructure
              postBuild:
                substituteFrom:
                - kind: ConfigMap
                  name: cluster-vars
              decryption:
                provider: sops
                secretRef:
                  name: sops-age
            """);
        await env.Kubectl.ApplyAsync(Manifests.Kustomization("infrastructure", "fleet", "./infrastructure"));

        await SingleNodeTests.WaitForAppliedRevisionAsync(env, "infrastructure", $"main@sha1:{commit}");
        await SingleNodeTests.WaitForAppliedRevisionAsync(env, "apps", $"main@sha1:{commit}");
        Assert.Equal("nginx:1.28", await env.Kubectl.JsonPathAsync("deployment/web", "shop", "{.spec.template.spec.containers[0].image}"));
        var generated = await env.Kubectl.RunAsync("get", "configmaps", "-n", "shop", "-o", "jsonpath={range .items[*]}{.metadata.name}={.data.cluster}{\"\\n\"}{end}");
        Assert.Contains("=eu-1", generated);
        Assert.StartsWith("web-config-", generated.Split('\n').Single(l => l.EndsWith("=eu-1")));
        var secret = await env.Kubectl.JsonPathAsync("secret/age", "shop", "{.data.key}");
        Assert.Equal("value", System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(secret!)));

        // A real `kubectl edit` (the editor is a sed script) is reverted.
        var edit = await ProcessRunner.RunAsync("kubectl", ["--kubeconfig", env.Kubeconfig, "edit", "deployment/web", "-n", "shop"],
            environment: new Dictionary<string, string> { ["KUBE_EDITOR"] = "sed -i s/replicas:\\ 2/replicas:\\ 6/" });
        Assert.True(edit.ExitCode == 0, edit.Stderr);
        await Eventually.WaitAsync(() => env.Kubectl.JsonPathAsync("deployment/web", "shop", "{.spec.replicas}"),
            r => r == "2", TimeSpan.FromSeconds(20), "the kubectl edit to be reverted");

        // Deleting the apps Kustomization (prune: true) removes what it applied; infrastructure stays.
        await env.Kubectl.RunAsync("delete", "kustomization/apps", "-n", "flux-system", "--wait=false");
        await Eventually.WaitAsync(() => env.Kubectl.JsonPathAsync("deployment/web", "shop", "{.metadata.name}"),
            n => n is null, Timeout, "the apps objects to be deleted");
        Assert.Null(await env.Kubectl.JsonPathAsync("secret/age", "shop", "{.metadata.name}"));
        Assert.Equal("shop-quota", await env.Kubectl.JsonPathAsync("resourcequota/shop-quota", "shop", "{.metadata.name}"));
    }

    [Fact]
    public async Task CrossNamespaceSourceRef_IsRefused_WhenTheClusterForbidsIt()
    {
        await using var env = await TideEnvironment.StartAsync(extraConfig: "tide.no-cross-namespace-refs = on");
        var repo = await env.CreateRepositoryAsync("tenant");
        repo.Write("app/settings.yaml", Manifests.ConfigMap("default", "tenant", "v1"));
        await repo.CommitAndPushAsync("tenant");
        await env.Kubectl.ApplyAsync(Manifests.FluxSystem);
        await env.Kubectl.ApplyAsync(Manifests.Namespace("team-a"));
        await env.Kubectl.ApplyAsync(Manifests.GitRepository("tenant", env.Git.RepositoryUrl("tenant")));
        await env.Kubectl.ApplyAsync(Manifests.Kustomization("tenant", "tenant", "./app")
            .Replace("namespace: flux-system", "namespace: team-a").Replace("    name: tenant\n", "    name: tenant\n    namespace: flux-system\n"));

        var message = await Eventually.WaitAsync(() => env.Kubectl.JsonPathAsync("kustomization/tenant", "team-a",
                "{.status.conditions[?(@.type==\"Stalled\")].message}"),
            m => !string.IsNullOrEmpty(m), Timeout, "the cross-namespace reference to be refused");
        Assert.Contains("cross-namespace references are not allowed", message);
        Assert.Null(await env.Kubectl.JsonPathAsync("configmap/tenant", "default", "{.metadata.name}"));
    }
}
