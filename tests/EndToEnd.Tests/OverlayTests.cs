using Tide.Testing;

namespace Tide.EndToEnd.Tests;

/// <summary>Flux's overlay fields (targetNamespace, namePrefix/nameSuffix, commonMetadata, images, patches) applied
/// through kustomize, on a path without a kustomization file: the result is what kubectl kustomize makes of the
/// kustomization Flux would generate.</summary>
public sealed class OverlayTests
{
    [Fact]
    public async Task OverlayFields_OnPlainManifests_MatchKubectlKustomize()
    {
        await using var env = await TideEnvironment.StartAsync();
        var repo = await env.CreateRepositoryAsync("overlay");
        repo.Write("app/web.yaml", Manifests.Deployment("default", "web", 1));
        repo.Write("app/config/settings.yaml", Manifests.ConfigMap("default", "settings", "v1"));
        var commit = await repo.CommitAndPushAsync("plain");

        const string overlay = """
              targetNamespace: team
              namePrefix: pre-
              nameSuffix: -suf
              commonMetadata:
                labels:
                  tenant: a
                annotations:
                  owner: team-a
              images:
              - name: nginx
                newTag: "1.28"
              patches:
              - target:
                  kind: Deployment
                patch: |
                  - op: replace
                    path: /spec/replicas
                    value: 3
            """;
        // The oracle: kubectl kustomize on the kustomization Flux generates for this path.
        using var oracle = new TempDirectory();
        oracle.Write("web.yaml", Manifests.Deployment("default", "web", 1));
        oracle.Write("config/settings.yaml", Manifests.ConfigMap("default", "settings", "v1"));
        oracle.Write("kustomization.yaml", """
            resources: [config/settings.yaml, web.yaml]
            namespace: team
            namePrefix: pre-
            nameSuffix: -suf
            labels:
            - pairs: {tenant: a}
              includeSelectors: false
              includeTemplates: false
            commonAnnotations: {owner: team-a}
            images:
            - name: nginx
              newTag: "1.28"
            patches:
            - target: {kind: Deployment}
              patch: |
                - op: replace
                  path: /spec/replicas
                  value: 3
            """);
        var expected = await ProcessRunner.RunCheckedAsync("kubectl", ["kustomize", oracle.Path]);
        Assert.Contains("name: pre-web-suf", expected);

        await env.Kubectl.ApplyAsync(Manifests.FluxSystem);
        await env.Kubectl.ApplyAsync(Manifests.Namespace("team"));
        await env.Kubectl.ApplyAsync(Manifests.GitRepository("overlay", env.Git.RepositoryUrl("overlay")));
        await env.Kubectl.ApplyAsync(Manifests.Kustomization("overlay", "overlay", "./app") + "\n" + overlay);
        await SingleNodeTests.WaitForAppliedRevisionAsync(env, "overlay", $"main@sha1:{commit}");

        Assert.Equal("3", await env.Kubectl.JsonPathAsync("deployment/pre-web-suf", "team", "{.spec.replicas}"));
        Assert.Equal("nginx:1.28", await env.Kubectl.JsonPathAsync("deployment/pre-web-suf", "team", "{.spec.template.spec.containers[0].image}"));
        Assert.Equal("a", await env.Kubectl.JsonPathAsync("deployment/pre-web-suf", "team", "{.metadata.labels.tenant}"));
        Assert.Equal("team-a", await env.Kubectl.JsonPathAsync("configmap/pre-settings-suf", "team", "{.metadata.annotations.owner}"));
        Assert.Equal("web", await env.Kubectl.JsonPathAsync("deployment/pre-web-suf", "team", "{.spec.selector.matchLabels.app}"));
    }
}
