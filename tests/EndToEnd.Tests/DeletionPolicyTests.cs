using Tide.Testing;

namespace Tide.EndToEnd.Tests;

/// <summary>deletionPolicy: WaitForTermination keeps the Kustomization until what it applied is really gone;
/// Orphan leaves the objects in place.</summary>
public sealed class DeletionPolicyTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task WaitForTermination_WaitsForFinalizers_Orphan_LeavesObjects()
    {
        await using var env = await TideEnvironment.StartAsync();
        var repo = await env.CreateRepositoryAsync("policy");
        repo.Write("held/cm.yaml", Manifests.ConfigMap("default", "held", "v1")
            .Replace("metadata:\n", "metadata:\n  finalizers:\n  - example.com/hold\n"));
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

        // The held ConfigMap is terminating but its finalizer keeps it: the Kustomization waits.
        await Eventually.WaitAsync(() => env.Kubectl.JsonPathAsync("configmap/held", "default", "{.metadata.deletionTimestamp}"),
            t => !string.IsNullOrEmpty(t), Timeout, "the held ConfigMap to be terminating");
        await Task.Delay(TimeSpan.FromSeconds(5));
        Assert.Equal("held", await env.Kubectl.JsonPathAsync("kustomization/held", "flux-system", "{.metadata.name}"));

        await env.Kubectl.RunAsync("patch", "configmap/held", "-n", "default", "--type=merge", "-p", "{\"metadata\":{\"finalizers\":null}}");
        await Eventually.WaitAsync(() => env.Kubectl.JsonPathAsync("kustomization/held", "flux-system", "{.metadata.name}"),
            n => n is null, Timeout, "the Kustomization to go once its objects are gone");
    }
}
