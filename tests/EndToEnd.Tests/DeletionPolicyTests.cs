using Tide.Testing;

namespace Tide.EndToEnd.Tests;

/// <summary>deletionPolicy: WaitForTermination keeps the Kustomization until what it applied is really gone, without
/// holding an apply slot meanwhile; Orphan leaves the objects in place.</summary>
public sealed class DeletionPolicyTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task WaitForTermination_WaitsForFinalizers_Orphan_LeavesObjects()
    {
        await using var env = await TideEnvironment.StartAsync();
        var repo = await env.CreateRepositoryAsync("policy");
        repo.Write("held/cm.yaml", HeldConfigMap("held"));
        repo.Write("kept/cm.yaml", Manifests.ConfigMap("default", "kept", "v1"));
        var commit = await repo.CommitAndPushAsync("policies");
        await env.Kubectl.ApplyAsync(Manifests.FluxSystem);
        await env.Kubectl.ApplyAsync(Manifests.GitRepository("policy", env.Git.RepositoryUrl("policy")));
        await env.Kubectl.ApplyAsync(Manifests.Kustomization("held", "policy", "./held") + "\n  deletionPolicy: WaitForTermination\n  timeout: 3s\n");
        await env.Kubectl.ApplyAsync(Manifests.Kustomization("kept", "policy", "./kept") + "\n  deletionPolicy: Orphan\n");
        await SingleNodeTests.WaitForAppliedRevisionAsync(env, "held", $"main@sha1:{commit}");
        await SingleNodeTests.WaitForAppliedRevisionAsync(env, "kept", $"main@sha1:{commit}");

        await env.Kubectl.RunAsync("delete", "kustomization/held", "kustomization/kept", "-n", "flux-system", "--wait=false");
        await Eventually.WaitAsync(() => env.Kubectl.JsonPathAsync("kustomization/kept", "flux-system", "{.metadata.name}"),
            n => n is null, Timeout, "the Orphan Kustomization to go");
        Assert.Equal("v1", await env.Kubectl.JsonPathAsync("configmap/kept", "default", "{.data.value}"));

        // The held ConfigMap is terminating but its finalizer keeps it: the Kustomization says it waits, and stays.
        await WaitUntilWaitingAsync(env, "held");
        Assert.False(string.IsNullOrEmpty(await env.Kubectl.JsonPathAsync("configmap/held", "default", "{.metadata.deletionTimestamp}")));
        Assert.Equal("held", await env.Kubectl.JsonPathAsync("kustomization/held", "flux-system", "{.metadata.name}"));

        await Release(env, "held");
        await Eventually.WaitAsync(() => env.Kubectl.JsonPathAsync("kustomization/held", "flux-system", "{.metadata.name}"),
            n => n is null, Timeout, "the Kustomization to go once its objects are gone");
    }

    [Fact]
    public async Task DeletionsWaitingForTermination_HoldNoApplySlot()
    {
        // One apply slot: a deletion that held it while waiting would stop every other apply on the node.
        await using var env = await TideEnvironment.StartAsync(extraConfig: "tide.workers.apply = 1");
        var repo = await env.CreateRepositoryAsync("slots");
        repo.Write("held/cm.yaml", HeldConfigMap("stuck"));
        repo.Write("other/cm.yaml", Manifests.ConfigMap("default", "other", "v1"));
        var commit = await repo.CommitAndPushAsync("slots");
        await env.Kubectl.ApplyAsync(Manifests.FluxSystem);
        await env.Kubectl.ApplyAsync(Manifests.GitRepository("slots", env.Git.RepositoryUrl("slots")));
        await env.Kubectl.ApplyAsync(Manifests.Kustomization("held", "slots", "./held") + "\n  deletionPolicy: WaitForTermination\n  timeout: 5m\n");
        await SingleNodeTests.WaitForAppliedRevisionAsync(env, "held", $"main@sha1:{commit}");
        await env.Kubectl.RunAsync("delete", "kustomization/held", "-n", "flux-system", "--wait=false");
        await WaitUntilWaitingAsync(env, "held");

        await env.Kubectl.ApplyAsync(Manifests.Kustomization("other", "slots", "./other"));
        await Eventually.WaitAsync(() => env.Kubectl.JsonPathAsync("configmap/other", "default", "{.data.value}"),
            v => v == "v1", TimeSpan.FromSeconds(30), "another Kustomization to apply while the deletion waits");
        Assert.Equal("held", await env.Kubectl.JsonPathAsync("kustomization/held", "flux-system", "{.metadata.name}"));

        await Release(env, "stuck");
        await Eventually.WaitAsync(() => env.Kubectl.JsonPathAsync("kustomization/held", "flux-system", "{.metadata.name}"),
            n => n is null, Timeout, "the Kustomization to go once its objects are gone");
    }

    /// <summary>A ConfigMap that a finalizer of nobody's keeps terminating until the test removes it.</summary>
    private static string HeldConfigMap(string name) => Manifests.ConfigMap("default", name, "v1")
        .Replace("metadata:\n", "metadata:\n  finalizers:\n  - example.com/hold\n");

    private static Task Release(TideEnvironment env, string configMap) =>
        env.Kubectl.RunAsync("patch", "configmap/" + configMap, "-n", "default", "--type=merge", "-p", "{\"metadata\":{\"finalizers\":null}}");

    private static Task WaitUntilWaitingAsync(TideEnvironment env, string kustomization) =>
        Eventually.WaitAsync(() =>
            {
                lock (env.Progress)
                    return Task.FromResult(env.Progress.Any(line =>
                        line.Contains($"Kustomization/flux-system/{kustomization}: waiting for termination", StringComparison.Ordinal)));
            },
            waiting => waiting, Timeout, $"Kustomization {kustomization} to wait for its objects' termination");
}
