using Tide.Engine.Api.Crds;
using Tide.Testing;

namespace Tide.EndToEnd.Tests;

/// <summary>A repository laid out as `flux bootstrap` leaves it: clusters/staging holds flux-system (with its own
/// kustomization.yaml) next to Kustomizations for infrastructure and apps; the path has no kustomization.yaml, so it is
/// built from the one Flux's generator writes.</summary>
public sealed class BootstrapTests
{
    private static string FluxKustomization(string name, string path) =>
        Manifests.Kustomization(name, "flux-system", path, interval: "10m0s");

    [Fact]
    public async Task BootstrappedRepository_ReconcilesFluxSystemInfrastructureAndApps()
    {
        await using var env = await TideEnvironment.StartAsync();
        var repo = await env.CreateRepositoryAsync("fleet");
        var sync = $"""
            apiVersion: source.toolkit.fluxcd.io/v1
            kind: GitRepository
            metadata:
              name: flux-system
              namespace: flux-system
            spec:
              interval: 1m0s
              ref:
                branch: main
              url: {env.Git.RepositoryUrl("fleet")}
            ---
            {FluxKustomization("flux-system", "./clusters/staging")}
            """;
        repo.Write("clusters/staging/flux-system/gotk-components.yaml", Manifests.FluxSystem + "\n---\n" + Crds.ToYaml());
        repo.Write("clusters/staging/flux-system/gotk-sync.yaml", sync);
        repo.Write("clusters/staging/flux-system/kustomization.yaml", """
            apiVersion: kustomize.config.k8s.io/v1beta1
            kind: Kustomization
            resources:
            - gotk-components.yaml
            - gotk-sync.yaml
            """);
        repo.Write("clusters/staging/infrastructure.yaml", FluxKustomization("infrastructure", "./infrastructure"));
        repo.Write("clusters/staging/apps.yaml", FluxKustomization("apps", "./apps/staging") + """

              dependsOn:
              - name: infrastructure
            """);
        repo.Write("infrastructure/namespace.yaml", Manifests.Namespace("shop"));
        repo.Write("apps/base/kustomization.yaml", "resources:\n- web.yaml\n");
        repo.Write("apps/base/web.yaml", Manifests.Deployment("shop", "web", 1));
        repo.Write("apps/staging/kustomization.yaml", "resources:\n- ../base\n- settings.yaml\n");
        repo.Write("apps/staging/settings.yaml", Manifests.ConfigMap("shop", "settings", "staging"));
        var commit = await repo.CommitAndPushAsync("bootstrap");

        // What `flux bootstrap` applies by hand; everything else comes from Git.
        await env.Kubectl.ApplyAsync(Manifests.FluxSystem);
        await env.Kubectl.ApplyAsync(sync);

        foreach (var name in new[] { "flux-system", "infrastructure", "apps" })
            await SingleNodeTests.WaitForAppliedRevisionAsync(env, name, $"main@sha1:{commit}");
        Assert.Equal("1", await env.Kubectl.JsonPathAsync("deployment/web", "shop", "{.spec.replicas}"));
        Assert.Equal("staging", await env.Kubectl.JsonPathAsync("configmap/settings", "shop", "{.data.value}"));
        var inventory = await env.Kubectl.JsonPathAsync("kustomization/flux-system", "flux-system", "{.status.inventory.entries[*].id}");
        Assert.Contains("flux-system_apps_kustomize.toolkit.fluxcd.io_Kustomization", inventory);
        Assert.Contains("flux-system_infrastructure_kustomize.toolkit.fluxcd.io_Kustomization", inventory);
        Assert.Contains("_gitrepositories.source.toolkit.fluxcd.io_apiextensions.k8s.io_CustomResourceDefinition", inventory);
    }
}
