using Tide.Testing;

namespace Tide.EndToEnd.Tests;

/// <summary>The status on the server is exactly what the last reconcile wrote: fields that no longer apply are gone,
/// read back from the API server after transitions that clear them.</summary>
public sealed class StatusTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task GitRepository_IgnoreAndIncludeRemoved_LeaveTheStatus_AndTheArtifactIsNotRebuiltAgain()
    {
        await using var env = await TideEnvironment.StartAsync();
        var shared = await env.CreateRepositoryAsync("shared");
        shared.Write("settings.yaml", Manifests.ConfigMap("default", "shared", "v1"));
        await shared.CommitAndPushAsync("v1");
        var app = await env.CreateRepositoryAsync("app");
        app.Write("app.yaml", Manifests.ConfigMap("default", "app", "v1"));
        await app.CommitAndPushAsync("app");
        await env.Kubectl.ApplyAsync(Manifests.FluxSystem);
        await env.Kubectl.ApplyAsync(Manifests.GitRepository("shared", env.Git.RepositoryUrl("shared"), interval: "10m"));
        var plain = Manifests.GitRepository("app", env.Git.RepositoryUrl("app"), interval: "10m");
        await env.Kubectl.ApplyAsync(plain + "\n  ignore: \"*.md\"\n  include:\n  - repository:\n      name: shared\n    toPath: vendor\n");
        await Eventually.WaitAsync(() => env.Kubectl.JsonPathAsync("gitrepository/app", "flux-system",
                "{.status.observedIgnore}|{.status.observedInclude[0].repository.name}"),
            s => s == "*.md|shared", Timeout, "the observed ignore and include");

        await env.Kubectl.ApplyAsync(plain);
        var generation = await env.Kubectl.JsonPathAsync("gitrepository/app", "flux-system", "{.metadata.generation}");
        await Eventually.WaitAsync(() => env.Kubectl.JsonPathAsync("gitrepository/app", "flux-system",
                "{.status.observedGeneration}|{.status.observedIgnore}|{.status.observedInclude}"),
            s => s == $"{generation}||", Timeout, "observedIgnore and observedInclude to leave the status");

        // Nothing says "content configuration changed" any more: a reconcile keeps the artifact as it is. (A second
        // passes first, so that a rebuilt artifact would show in lastUpdateTime.)
        var artifact = await env.Kubectl.JsonPathAsync("gitrepository/app", "flux-system", "{.status.artifact.lastUpdateTime}");
        await Task.Delay(TimeSpan.FromSeconds(1.1));
        await env.Kubectl.RunAsync("annotate", "--overwrite", "gitrepository/app", "-n", "flux-system", "reconcile.fluxcd.io/requestedAt=check");
        await Eventually.WaitAsync(() => env.Kubectl.JsonPathAsync("gitrepository/app", "flux-system", "{.status.lastHandledReconcileAt}"),
            s => s == "check", Timeout, "the requested reconcile");
        Assert.Equal(artifact, await env.Kubectl.JsonPathAsync("gitrepository/app", "flux-system", "{.status.artifact.lastUpdateTime}"));
    }

    [Fact]
    public async Task Kustomization_FailureHeals_InventoryEmpties_DependencyDisappears()
    {
        await using var env = await TideEnvironment.StartAsync();
        var repo = await env.CreateRepositoryAsync("cfg");
        repo.Write("apps/cm.yaml", Manifests.ConfigMap("default", "settings", "v1"));
        repo.Write("empty/README.md", "nothing to apply\n");
        var commit = await repo.CommitAndPushAsync("cfg");
        await env.Kubectl.ApplyAsync(Manifests.FluxSystem);
        await env.Kubectl.ApplyAsync(Manifests.GitRepository("cfg", env.Git.RepositoryUrl("cfg"), interval: "10m"));

        // A failure that heals: no trace of it is left.
        await env.Kubectl.ApplyAsync(Manifests.Kustomization("app", "cfg", "./missing"));
        await Eventually.WaitAsync(() => Ready(env, "app"), s => s.StartsWith("False|", StringComparison.Ordinal), Timeout, "the failure");
        await env.Kubectl.ApplyAsync(Manifests.Kustomization("app", "cfg", "./apps"));
        await SingleNodeTests.WaitForAppliedRevisionAsync(env, "app", $"main@sha1:{commit}");
        Assert.Equal("Ready", await env.Kubectl.JsonPathAsync("kustomization/app", "flux-system", "{.status.conditions[*].type}"));
        Assert.Contains("settings", await env.Kubectl.JsonPathAsync("kustomization/app", "flux-system", "{.status.inventory.entries[*].id}"));

        // The inventory emptied: nothing of it is left on the server.
        await env.Kubectl.ApplyAsync(Manifests.Kustomization("app", "cfg", "./empty"));
        await Eventually.WaitAsync(() => env.Kubectl.JsonPathAsync("configmap/settings", "default", "{.metadata.name}"),
            s => s is null, Timeout, "the ConfigMap to be pruned");
        await Eventually.WaitAsync(() => env.Kubectl.JsonPathAsync("kustomization/app", "flux-system", "{.status.inventory.entries[*].id}"),
            s => s == "", Timeout, "the inventory to be empty");

        // A dependency that disappears is reported; once dependsOn no longer names it, no trace of it is left.
        await env.Kubectl.ApplyAsync(Manifests.Kustomization("dep", "cfg", "./empty"));
        await SingleNodeTests.WaitForAppliedRevisionAsync(env, "dep", $"main@sha1:{commit}");
        await env.Kubectl.ApplyAsync(Manifests.Kustomization("app", "cfg", "./empty") + "\n  dependsOn:\n  - name: dep\n");
        await env.Kubectl.RunAsync("delete", "kustomization/dep", "-n", "flux-system");
        await env.Kubectl.RunAsync("annotate", "--overwrite", "kustomization/app", "-n", "flux-system", "reconcile.fluxcd.io/requestedAt=gone");
        await Eventually.WaitAsync(() => Ready(env, "app"), s => s.Contains("'flux-system/dep' not found", StringComparison.Ordinal),
            Timeout, "the missing dependency to be reported");
        await env.Kubectl.ApplyAsync(Manifests.Kustomization("app", "cfg", "./empty"));
        await Eventually.WaitAsync(() => Ready(env, "app"), s => s.StartsWith("True|", StringComparison.Ordinal), Timeout, "app to be ready again");
        var status = await env.Kubectl.JsonPathAsync("kustomization/app", "flux-system", "{.status}");
        Assert.DoesNotContain("flux-system/dep", status);
        Assert.Equal("Ready", await env.Kubectl.JsonPathAsync("kustomization/app", "flux-system", "{.status.conditions[*].type}"));
    }

    private static async Task<string> Ready(TideEnvironment env, string name) =>
        await env.Kubectl.JsonPathAsync("kustomization/" + name, "flux-system",
            "{.status.conditions[?(@.type==\"Ready\")].status}|{.status.conditions[?(@.type==\"Ready\")].message}") ?? "";
}
