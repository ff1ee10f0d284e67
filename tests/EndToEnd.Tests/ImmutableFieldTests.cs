using Tide.Testing;

namespace Tide.EndToEnd.Tests;

/// <summary>A change to an immutable field fails with a message naming the object, the field and the way out;
/// with spec.force the object is recreated.</summary>
public sealed class ImmutableFieldTests
{
    [Fact]
    public async Task SelectorChange_FailsClearly_ThenForceRecreates()
    {
        await using var env = await TideEnvironment.StartAsync();
        var repo = await env.CreateRepositoryAsync("immutable");
        repo.Write("app/web.yaml", Manifests.Deployment("default", "web", 1));
        var first = await repo.CommitAndPushAsync("web");
        await env.Kubectl.ApplyAsync(Manifests.FluxSystem);
        await env.Kubectl.ApplyAsync(Manifests.GitRepository("immutable", env.Git.RepositoryUrl("immutable")));
        await env.Kubectl.ApplyAsync(Manifests.Kustomization("immutable", "immutable", "./app"));
        await SingleNodeTests.WaitForAppliedRevisionAsync(env, "immutable", $"main@sha1:{first}");
        var uid = await env.Kubectl.JsonPathAsync("deployment/web", "default", "{.metadata.uid}");

        repo.Write("app/web.yaml", Manifests.Deployment("default", "web", 1).Replace("app: web", "app: web-v2"));
        var second = await repo.CommitAndPushAsync("new selector");
        var message = await Eventually.WaitAsync(() => env.Kubectl.JsonPathAsync("kustomization/immutable", "flux-system",
                "{.status.conditions[?(@.type==\"Ready\")].message}"),
            m => m?.Contains("immutable", StringComparison.Ordinal) == true, TimeSpan.FromSeconds(60), "the immutable-field failure");
        Assert.Contains("Deployment/default/web", message);
        Assert.Contains("spec.selector", message);
        Assert.Contains("spec.force", message);

        await env.Kubectl.RunAsync("patch", "kustomization/immutable", "-n", "flux-system", "--type=merge", "-p", "{\"spec\":{\"force\":true}}");
        await SingleNodeTests.WaitForAppliedRevisionAsync(env, "immutable", $"main@sha1:{second}");
        Assert.Equal("web-v2", await env.Kubectl.JsonPathAsync("deployment/web", "default", "{.spec.selector.matchLabels.app}"));
        Assert.NotEqual(uid, await env.Kubectl.JsonPathAsync("deployment/web", "default", "{.metadata.uid}"));
    }
}
