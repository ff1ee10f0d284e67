using Tide.Testing;

namespace Tide.EndToEnd.Tests;

/// <summary>dependsOn: a Kustomization waits for its dependencies, and starts as soon as they are ready (pushed to it,
/// not polled); a cycle is reported as such.</summary>
public sealed class DependsOnTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Apps_WaitForInfra_AndStartWhenItIsReady_AndCyclesAreNamed()
    {
        await using var env = await TideEnvironment.StartAsync();
        var repo = await env.CreateRepositoryAsync("layers");
        repo.Write("infra/ns.yaml", Manifests.Namespace("shop"));
        repo.Write("apps/settings.yaml", Manifests.ConfigMap("shop", "settings", "v1"));
        var commit = await repo.CommitAndPushAsync("layers");
        await env.Kubectl.ApplyAsync(Manifests.FluxSystem);
        await env.Kubectl.ApplyAsync(Manifests.GitRepository("layers", env.Git.RepositoryUrl("layers")));
        // A long retry interval (a failed Kustomization retries after exactly that): only the push from infra can
        // start apps quickly.
        await env.Kubectl.ApplyAsync(Manifests.Kustomization("apps", "layers", "./apps").Replace("retryInterval: 2s", "retryInterval: 5m") + """

              dependsOn:
              - name: infra
            """);

        var waiting = await Eventually.WaitAsync(() => env.Kubectl.JsonPathAsync("kustomization/apps", "flux-system",
                "{.status.conditions[?(@.type==\"Ready\")].reason}: {.status.conditions[?(@.type==\"Ready\")].message}"),
            s => s?.StartsWith("DependencyNotReady", StringComparison.Ordinal) == true, Timeout, "apps to wait for infra");
        Assert.Contains("flux-system/infra", waiting);
        Assert.Null(await env.Kubectl.JsonPathAsync("configmap/settings", "shop", "{.metadata.name}"));

        await env.Kubectl.ApplyAsync(Manifests.Kustomization("infra", "layers", "./infra"));
        await SingleNodeTests.WaitForAppliedRevisionAsync(env, "infra", $"main@sha1:{commit}");
        var started = DateTime.UtcNow;
        await SingleNodeTests.WaitForAppliedRevisionAsync(env, "apps", $"main@sha1:{commit}");
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(8), $"apps started {DateTime.UtcNow - started} after infra was ready");
        Assert.Equal("v1", await env.Kubectl.JsonPathAsync("configmap/settings", "shop", "{.data.value}"));

        // A cycle is a configuration error, named as one.
        await env.Kubectl.ApplyAsync(Manifests.Kustomization("ping", "layers", "./apps") + "\n  dependsOn:\n  - name: pong\n");
        await env.Kubectl.ApplyAsync(Manifests.Kustomization("pong", "layers", "./apps") + "\n  dependsOn:\n  - name: ping\n");
        var cycle = await Eventually.WaitAsync(() => env.Kubectl.JsonPathAsync("kustomization/ping", "flux-system",
                "{.status.conditions[?(@.type==\"Ready\")].message}"),
            s => s?.Contains("cycle", StringComparison.Ordinal) == true, Timeout, "the cycle to be reported");
        Assert.Contains("flux-system/ping -> flux-system/pong -> flux-system/ping", cycle);
    }
}
