using Tide.ApiServer;
using Tide.Testing;

namespace Tide.EndToEnd.Tests;

/// <summary>spec.kubeConfig.secretRef: the objects go to another cluster (a second embedded API server); the
/// Kustomization and its source stay in Tide's cluster.</summary>
public sealed class RemoteClusterTests
{
    [Fact]
    public async Task KubeConfigSecret_AppliesToTheOtherCluster()
    {
        await using var env = await TideEnvironment.StartAsync();
        await using var remote = await ApiServerHost.StartAsync(new ApiServerOptions());
        using var dir = new TempDirectory();
        var remoteKubeconfig = remote.WriteKubeconfig(dir.Combine("remote.kubeconfig"));
        var remoteKubectl = new Kubectl(remoteKubeconfig);

        var repo = await env.CreateRepositoryAsync("remote");
        repo.Write("app/settings.yaml", Manifests.ConfigMap("default", "remote-settings", "v1"));
        var commit = await repo.CommitAndPushAsync("remote");
        await env.Kubectl.ApplyAsync(Manifests.FluxSystem);
        await env.Kubectl.RunAsync("create", "secret", "generic", "remote-kubeconfig", "-n", "flux-system",
            "--from-file=value=" + remoteKubeconfig);
        await env.Kubectl.ApplyAsync(Manifests.GitRepository("remote", env.Git.RepositoryUrl("remote")));
        await env.Kubectl.ApplyAsync(Manifests.Kustomization("remote", "remote", "./app") +
            "\n  kubeConfig:\n    secretRef:\n      name: remote-kubeconfig\n");

        await SingleNodeTests.WaitForAppliedRevisionAsync(env, "remote", $"main@sha1:{commit}");
        Assert.Equal("v1", await remoteKubectl.JsonPathAsync("configmap/remote-settings", "default", "{.data.value}"));
        Assert.Null(await env.Kubectl.JsonPathAsync("configmap/remote-settings", "default", "{.metadata.name}"));
    }
}
