using Tide.Testing;

namespace Tide.EndToEnd.Tests;

/// <summary>Prune deletes only what is still the Kustomization's own: an object another Kustomization took over
/// (its kustomize.toolkit.fluxcd.io labels now name the other) stays, as in Flux.</summary>
public sealed class PruneTests
{
    [Fact]
    public async Task AnObjectAnotherKustomizationTookOver_IsNotPruned()
    {
        await using var env = await TideEnvironment.StartAsync();
        var repo = await env.CreateRepositoryAsync("shared");
        repo.Write("first/shared.yaml", Manifests.ConfigMap("default", "shared", "first"));
        repo.Write("first/own.yaml", Manifests.ConfigMap("default", "own", "first"));
        var commit = await repo.CommitAndPushAsync("first owns both");
        await env.Kubectl.ApplyAsync(Manifests.FluxSystem);
        await env.Kubectl.ApplyAsync(Manifests.GitRepository("shared", env.Git.RepositoryUrl("shared")));
        await env.Kubectl.ApplyAsync(Manifests.Kustomization("first", "shared", "./first"));
        await SingleNodeTests.WaitForAppliedRevisionAsync(env, "first", $"main@sha1:{commit}");

        // While the first is suspended, a second Kustomization takes the shared ConfigMap over, and the first's path
        // drops both ConfigMaps.
        await env.Kubectl.RunAsync("patch", "kustomization/first", "-n", "flux-system", "--type", "merge",
            "-p", "{\"spec\":{\"suspend\":true}}");
        repo.Write("second/shared.yaml", Manifests.ConfigMap("default", "shared", "second"));
        repo.Write("first/placeholder.yaml", Manifests.ConfigMap("default", "placeholder", "first"));
        repo.Delete("first/shared.yaml");
        repo.Delete("first/own.yaml");
        var second = await repo.CommitAndPushAsync("second takes shared over");
        await env.Kubectl.ApplyAsync(Manifests.Kustomization("second", "shared", "./second"));
        await SingleNodeTests.WaitForAppliedRevisionAsync(env, "second", $"main@sha1:{second}");
        var uid = await env.Kubectl.JsonPathAsync("configmap/shared", "default", "{.metadata.uid}");

        await env.Kubectl.RunAsync("patch", "kustomization/first", "-n", "flux-system", "--type", "merge",
            "-p", "{\"spec\":{\"suspend\":false}}");
        await SingleNodeTests.WaitForAppliedRevisionAsync(env, "first", $"main@sha1:{second}");

        Assert.Null(await env.Kubectl.JsonPathAsync("configmap/own", "default", "{.metadata.name}"));
        // Not deleted (and re-created by the second's drift watch): the very same object.
        Assert.Equal(uid, await env.Kubectl.JsonPathAsync("configmap/shared", "default", "{.metadata.uid}"));
        Assert.Equal("second", await env.Kubectl.JsonPathAsync("configmap/shared", "default", "{.data.value}"));
    }
}
