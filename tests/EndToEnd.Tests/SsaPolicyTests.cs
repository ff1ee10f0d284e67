using Tide.Testing;

namespace Tide.EndToEnd.Tests;

/// <summary>The kustomize.toolkit.fluxcd.io/ssa annotation: IfNotPresent creates but never updates; Ignore never applies.</summary>
public sealed class SsaPolicyTests
{
    [Fact]
    public async Task IfNotPresentAndIgnore_AreHonoured()
    {
        await using var env = await TideEnvironment.StartAsync();
        var repo = await env.CreateRepositoryAsync("policies");
        static string Annotated(string yaml, string policy) =>
            yaml.Replace("metadata:\n", $"metadata:\n  annotations:\n    kustomize.toolkit.fluxcd.io/ssa: {policy}\n");
        repo.Write("app/once.yaml", Annotated(Manifests.ConfigMap("default", "once", "v1"), "IfNotPresent"));
        repo.Write("app/ignored.yaml", Annotated(Manifests.ConfigMap("default", "ignored", "v1"), "Ignore"));
        repo.Write("app/normal.yaml", Manifests.ConfigMap("default", "normal", "v1"));
        var first = await repo.CommitAndPushAsync("policies");
        await env.Kubectl.ApplyAsync(Manifests.FluxSystem);
        await env.Kubectl.ApplyAsync(Manifests.GitRepository("policies", env.Git.RepositoryUrl("policies")));
        await env.Kubectl.ApplyAsync(Manifests.Kustomization("policies", "policies", "./app"));
        await SingleNodeTests.WaitForAppliedRevisionAsync(env, "policies", $"main@sha1:{first}");
        Assert.Equal("v1", await env.Kubectl.JsonPathAsync("configmap/once", "default", "{.data.value}"));
        Assert.Null(await env.Kubectl.JsonPathAsync("configmap/ignored", "default", "{.metadata.name}"));

        repo.Write("app/once.yaml", Annotated(Manifests.ConfigMap("default", "once", "v2"), "IfNotPresent"));
        repo.Write("app/normal.yaml", Manifests.ConfigMap("default", "normal", "v2"));
        var second = await repo.CommitAndPushAsync("v2");
        await SingleNodeTests.WaitForAppliedRevisionAsync(env, "policies", $"main@sha1:{second}");
        Assert.Equal("v2", await env.Kubectl.JsonPathAsync("configmap/normal", "default", "{.data.value}"));
        Assert.Equal("v1", await env.Kubectl.JsonPathAsync("configmap/once", "default", "{.data.value}"));
    }
}
