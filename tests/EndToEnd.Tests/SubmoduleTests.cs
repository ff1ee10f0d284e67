using Tide.Testing;

namespace Tide.EndToEnd.Tests;

/// <summary>A GitRepository with recurseSubmodules, fetched through the proxy of its proxySecretRef: a Kustomization
/// applies a manifest that lives in the submodule, and a bump of the submodule in the superproject reaches the
/// cluster.</summary>
public sealed class SubmoduleTests
{
    [Fact]
    public async Task ManifestInASubmodule_ThroughAProxy_IsApplied_AndFollowsTheBump()
    {
        await using var env = await TideEnvironment.StartAsync();
        await using var proxy = await HttpProxyServer.StartAsync("tide", "proxy-pass");
        using var files = new TempDirectory();
        var libBare = await env.Git.CreateBareRepositoryAsync("lib.git");
        var lib = await WorkRepository.InitAsync(files.Combine("lib"));
        var libV1 = await lib.CommitAsync("v1", ("manifests/settings.yaml", Manifests.ConfigMap("default", "from-submodule", "v1")));
        await lib.PushAsync(libBare);
        var appBare = await env.Git.CreateBareRepositoryAsync("app.git");
        var app = await WorkRepository.InitAsync(files.Combine("app"));
        await app.SetSubmoduleAsync("vendor/lib", "../lib.git", libV1);
        await app.CommitAsync("app with lib", ("README.md", "app\n"));
        await app.PushAsync(appBare);

        await env.Kubectl.ApplyAsync(Manifests.FluxSystem);
        await env.Kubectl.RunAsync("create", "secret", "generic", "proxy", "-n", "flux-system",
            "--from-literal=address=" + proxy.Address, "--from-literal=username=tide", "--from-literal=password=proxy-pass");
        await env.Kubectl.ApplyAsync(Manifests.GitRepository("app", env.Git.RepositoryUrl("app")) +
            "\n  recurseSubmodules: true\n  proxySecretRef:\n    name: proxy\n");
        await env.Kubectl.ApplyAsync(Manifests.Kustomization("app", "app", "./vendor/lib/manifests"));

        await Eventually.WaitAsync(() => env.Kubectl.JsonPathAsync("configmap/from-submodule", "default", "{.data.value}"),
            v => v == "v1", TimeSpan.FromSeconds(60), "the submodule's manifest to be applied");
        Assert.Equal("true", await env.Kubectl.JsonPathAsync("gitrepository/app", "flux-system", "{.status.observedRecurseSubmodules}"));
        Assert.Contains($"/git/lib.git/", await proxy.ReadLogAsync());

        var libV2 = await lib.CommitAsync("v2", ("manifests/settings.yaml", Manifests.ConfigMap("default", "from-submodule", "v2")));
        await lib.PushAsync(libBare);
        await app.SetSubmoduleAsync("vendor/lib", "../lib.git", libV2);
        var bump = await app.CommitAsync("bump lib");
        await app.PushAsync(appBare);

        await Eventually.WaitAsync(() => env.Kubectl.JsonPathAsync("configmap/from-submodule", "default", "{.data.value}"),
            v => v == "v2", TimeSpan.FromSeconds(60), "the bumped submodule's manifest to be applied");
        Assert.Equal($"main@sha1:{bump}", await env.Kubectl.JsonPathAsync("gitrepository/app", "flux-system", "{.status.artifact.revision}"));
    }
}
