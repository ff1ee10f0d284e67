using Tide.Testing;

namespace Tide.EndToEnd.Tests;

/// <summary>The kustomize.toolkit.fluxcd.io/ssa annotation: IfNotPresent creates but never updates; Ignore never applies;
/// Merge keeps what other managers set, while every other object is reclaimed from kubectl.</summary>
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

    [Fact]
    public async Task ObjectsKubectlWrote_AreReclaimed_UnlessAnnotatedMerge()
    {
        await using var env = await TideEnvironment.StartAsync();
        using var dir = new TempDirectory();
        // Before Tide: both objects written with kubectl's client-side apply, with a key Git does not have.
        foreach (var name in new[] { "taken", "merged" })
        {
            var file = dir.Combine(name + ".yaml");
            await File.WriteAllTextAsync(file, Manifests.ConfigMap("default", name, "by-kubectl") + "\n  extra: by-kubectl\n");
            await env.Kubectl.RunAsync("apply", "-f", file);
        }
        var repo = await env.CreateRepositoryAsync("takeover");
        repo.Write("app/taken.yaml", Manifests.ConfigMap("default", "taken", "v1"));
        repo.Write("app/merged.yaml", Manifests.ConfigMap("default", "merged", "v1")
            .Replace("metadata:\n", "metadata:\n  annotations:\n    kustomize.toolkit.fluxcd.io/ssa: Merge\n"));
        var commit = await repo.CommitAndPushAsync("takeover");
        await env.Kubectl.ApplyAsync(Manifests.FluxSystem);
        await env.Kubectl.ApplyAsync(Manifests.GitRepository("takeover", env.Git.RepositoryUrl("takeover")));
        await env.Kubectl.ApplyAsync(Manifests.Kustomization("takeover", "takeover", "./app"));
        await SingleNodeTests.WaitForAppliedRevisionAsync(env, "takeover", $"main@sha1:{commit}");

        Assert.Equal("v1", await env.Kubectl.JsonPathAsync("configmap/taken", "default", "{.data.value}"));
        Assert.Equal("", await env.Kubectl.JsonPathAsync("configmap/taken", "default", "{.data.extra}"));
        Assert.Equal("", await env.Kubectl.JsonPathAsync("configmap/taken", "default",
            "{.metadata.annotations.kubectl\\.kubernetes\\.io/last-applied-configuration}"));
        var managers = await env.Kubectl.JsonPathAsync("configmap/taken", "default", "{.metadata.managedFields[*].manager}");
        Assert.DoesNotContain("kubectl", managers);
        Assert.Equal("v1", await env.Kubectl.JsonPathAsync("configmap/merged", "default", "{.data.value}"));
        Assert.Equal("by-kubectl", await env.Kubectl.JsonPathAsync("configmap/merged", "default", "{.data.extra}"));

        // A key added by hand later is drift too: removed, not only changed values restored.
        await env.Kubectl.RunAsync("patch", "configmap", "taken", "-n", "default", "--type", "merge",
            "-p", "{\"data\":{\"added\":\"by-hand\",\"value\":\"by-hand\"}}");
        await Eventually.WaitAsync(
            async () => (await env.Kubectl.JsonPathAsync("configmap/taken", "default", "{.data.added}"),
                         await env.Kubectl.JsonPathAsync("configmap/taken", "default", "{.data.value}")),
            seen => seen.Item1 == "" && seen.Item2 == "v1", TimeSpan.FromSeconds(30),
            "the key added with kubectl patch to be removed and the value restored");
    }

    [Fact]
    public async Task ALiveObjectAnnotatedReconcileDisabled_IsNeitherAppliedNorPruned()
    {
        await using var env = await TideEnvironment.StartAsync();
        var repo = await env.CreateRepositoryAsync("handsoff");
        repo.Write("app/frozen.yaml", Manifests.ConfigMap("default", "frozen", "v1"));
        repo.Write("app/managed.yaml", Manifests.ConfigMap("default", "managed", "v1"));
        var first = await repo.CommitAndPushAsync("v1");
        await env.Kubectl.ApplyAsync(Manifests.FluxSystem);
        await env.Kubectl.ApplyAsync(Manifests.GitRepository("handsoff", env.Git.RepositoryUrl("handsoff")));
        await env.Kubectl.ApplyAsync(Manifests.Kustomization("handsoff", "handsoff", "./app"));
        await SingleNodeTests.WaitForAppliedRevisionAsync(env, "handsoff", $"main@sha1:{first}");

        // An operator takes one object out of Tide's hands in the cluster (any case of the value, as in Flux), edits
        // it, and the next revisions change and then drop it in Git.
        await env.Kubectl.RunAsync("annotate", "configmap/frozen", "-n", "default", "kustomize.toolkit.fluxcd.io/reconcile=Disabled");
        await env.Kubectl.RunAsync("patch", "configmap/frozen", "-n", "default", "--type", "merge", "-p", "{\"data\":{\"value\":\"by-hand\"}}");
        repo.Write("app/frozen.yaml", Manifests.ConfigMap("default", "frozen", "v2"));
        repo.Write("app/managed.yaml", Manifests.ConfigMap("default", "managed", "v2"));
        var second = await repo.CommitAndPushAsync("v2");
        await SingleNodeTests.WaitForAppliedRevisionAsync(env, "handsoff", $"main@sha1:{second}");
        Assert.Equal("v2", await env.Kubectl.JsonPathAsync("configmap/managed", "default", "{.data.value}"));
        Assert.Equal("by-hand", await env.Kubectl.JsonPathAsync("configmap/frozen", "default", "{.data.value}"));

        repo.Delete("app/frozen.yaml");
        var third = await repo.CommitAndPushAsync("drop frozen");
        await SingleNodeTests.WaitForAppliedRevisionAsync(env, "handsoff", $"main@sha1:{third}");
        Assert.Equal("by-hand", await env.Kubectl.JsonPathAsync("configmap/frozen", "default", "{.data.value}"));
    }
}
