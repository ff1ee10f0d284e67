using Tide.Testing;

namespace Tide.EndToEnd.Tests;

/// <summary>GitRepository include: another repository's artifact copied into this one; a new commit in the included
/// repository rebuilds the including one at once (not at its own interval), and its Kustomization applies it.</summary>
public sealed class IncludeTests
{
    [Fact]
    public async Task IncludedRepositoryChange_RebuildsTheIncludingOneAtOnce()
    {
        await using var env = await TideEnvironment.StartAsync();
        var shared = await env.CreateRepositoryAsync("shared");
        shared.Write("settings.yaml", Manifests.ConfigMap("default", "shared", "v1"));
        await shared.CommitAndPushAsync("v1");
        var app = await env.CreateRepositoryAsync("app");
        app.Write("README.md", "app\n");
        await app.CommitAndPushAsync("app");
        await env.Kubectl.ApplyAsync(Manifests.FluxSystem);
        await env.Kubectl.ApplyAsync(Manifests.GitRepository("shared", env.Git.RepositoryUrl("shared"), interval: "2s"));
        // The including repository polls rarely: only the include can make it rebuild soon.
        await env.Kubectl.ApplyAsync(Manifests.GitRepository("app", env.Git.RepositoryUrl("app"), interval: "10m") +
            "\n  include:\n  - repository:\n      name: shared\n    toPath: vendor\n");
        await env.Kubectl.ApplyAsync(Manifests.Kustomization("app", "app", "./vendor"));
        await Eventually.WaitAsync(() => env.Kubectl.JsonPathAsync("configmap/shared", "default", "{.data.value}"),
            v => v == "v1", TimeSpan.FromSeconds(60), "the included manifest to be applied");

        shared.Write("settings.yaml", Manifests.ConfigMap("default", "shared", "v2"));
        await shared.CommitAndPushAsync("v2");
        await Eventually.WaitAsync(() => env.Kubectl.JsonPathAsync("configmap/shared", "default", "{.data.value}"),
            v => v == "v2", TimeSpan.FromSeconds(30), "the included repository's change to reach the cluster");
    }
}
