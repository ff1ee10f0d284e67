using Tide.Testing;

namespace Tide.EndToEnd.Tests;

/// <summary>Bad input ends in Ready=False with Flux's reason and a message a user can act on; the node keeps running
/// and recovers once the input is fixed.</summary>
public sealed class BadInputTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task BadSourcesAndManifests_AreReported_AndRecoverOnceFixed()
    {
        await using var env = await TideEnvironment.StartAsync();
        var repo = await env.CreateRepositoryAsync("bad");
        repo.Write("apps/good.yaml", Manifests.ConfigMap("default", "good", "ok"));
        repo.Write("apps/broken.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: broken\n data: [\n");
        await repo.CommitAndPushAsync("broken yaml");
        await env.Kubectl.ApplyAsync(Manifests.FluxSystem);

        await env.Kubectl.ApplyAsync(Manifests.GitRepository("unreachable", "http://127.0.0.1:1/nothing.git"));
        await env.Kubectl.ApplyAsync(Manifests.GitRepository("nobranch", env.Git.RepositoryUrl("bad"), branch: "nope"));
        // The repository's directory on this machine: readable by Tide, but not to be named by a tenant.
        await env.Kubectl.ApplyAsync(Manifests.GitRepository("local", new Uri(Path.Combine(env.RepositoriesRoot, "bad")).AbsoluteUri));
        await env.Kubectl.ApplyAsync(Manifests.GitRepository("bad", env.Git.RepositoryUrl("bad")));
        await env.Kubectl.ApplyAsync(Manifests.Kustomization("nopath", "bad", "./missing"));
        await env.Kubectl.ApplyAsync(Manifests.Kustomization("invalid", "bad", "./apps"));
        await env.Kubectl.ApplyAsync(Manifests.Kustomization("nosource", "absent", "./apps"));
        await env.Kubectl.ApplyAsync(Manifests.Kustomization("escape", "bad", "./apps/../../outside"));
        await env.Kubectl.ApplyAsync(Manifests.Kustomization("external", "bad", "./apps")
            .Replace("kind: GitRepository", "kind: HelmChart"));

        var unreachable = await NotReadyAsync(env, "gitrepository/unreachable");
        Assert.Equal("GitOperationFailed", unreachable.Reason);
        Assert.Contains("127.0.0.1:1", unreachable.Message);

        var nobranch = await NotReadyAsync(env, "gitrepository/nobranch");
        Assert.Equal("GitOperationFailed", nobranch.Reason);
        Assert.Contains("nope", nobranch.Message);

        var local = await Eventually.WaitAsync(() => env.Kubectl.JsonPathAsync("gitrepository/local", "flux-system",
                "{.status.conditions[?(@.type==\"Stalled\")].message}"),
            m => !string.IsNullOrEmpty(m), Timeout, "the local URL to be refused");
        Assert.Contains("local Git URLs (file:// and paths) are not allowed on this cluster; set tide.sources.allow-local = on", local);
        Assert.Equal("", await env.Kubectl.JsonPathAsync("gitrepository/local", "flux-system", "{.status.artifact}"));

        var nopath = await NotReadyAsync(env, "kustomization/nopath");
        Assert.Equal("ArtifactFailed", nopath.Reason);
        Assert.Contains("kustomization path not found", nopath.Message);
        Assert.Contains("./missing", nopath.Message);
        // Each retry fails the same way: one Event whose count goes up, as client-go aggregates, not one per retry.
        var repeated = await Eventually.WaitAsync(
            () => env.Kubectl.RunAsync("get", "events", "-n", "flux-system",
                "--field-selector", "involvedObject.kind=Kustomization,involvedObject.name=nopath,reason=ArtifactFailed",
                "-o", "jsonpath={range .items[*]}{.count} {.message}{\"\\n\"}{end}"),
            events => PathNotFound(events) is [var only] && int.Parse(only.Split(' ')[0]) >= 2,
            Timeout, "the failure event of kustomization/nopath to be counted twice");
        Assert.Single(PathNotFound(repeated));

        var escape = await NotReadyAsync(env, "kustomization/escape");
        Assert.Equal("ArtifactFailed", escape.Reason);
        Assert.Equal("path './apps/../../outside' leaves the artifact's root", escape.Message);

        // A kind Flux's schema does not admit (the embedded API server does not check schemas): refused at once, naming it.
        var external = await Eventually.WaitAsync(() => env.Kubectl.JsonPathAsync("kustomization/external", "flux-system",
                "{.status.conditions[?(@.type==\"Stalled\")].message}"),
            m => !string.IsNullOrEmpty(m), Timeout, "the HelmChart source to be refused");
        Assert.Equal("source 'bad' kind 'HelmChart' is not supported: sourceRef.kind must be one of GitRepository, OCIRepository, Bucket, ExternalArtifact",
            external);

        var invalid = await NotReadyAsync(env, "kustomization/invalid");
        Assert.Equal("BuildFailed", invalid.Reason);
        Assert.Contains("broken.yaml", invalid.Message);
        Assert.Null(await env.Kubectl.JsonPathAsync("configmap/good", "default", "{.metadata.name}"));

        var nosource = await NotReadyAsync(env, "kustomization/nosource");
        Assert.Equal("ArtifactFailed", nosource.Reason);
        Assert.Contains("GitRepository/flux-system/absent", nosource.Message);

        // Fixed in Git: the same node recovers.
        repo.Write("apps/broken.yaml", Manifests.ConfigMap("default", "broken", "fixed"));
        var fixedCommit = await repo.CommitAndPushAsync("fix yaml");
        await SingleNodeTests.WaitForAppliedRevisionAsync(env, "invalid", $"main@sha1:{fixedCommit}");
        Assert.Equal("fixed", await env.Kubectl.JsonPathAsync("configmap/broken", "default", "{.data.value}"));
    }

    [Fact]
    public async Task ObjectRefusedByTheApiServer_LeavesNothingOfItsStageApplied_AndIsNamed()
    {
        await using var env = await TideEnvironment.StartAsync();
        var repo = await env.CreateRepositoryAsync("stage");
        // One stage, in apply order: ConfigMap default/a, ConfigMap missing/b (its namespace does not exist), Secret default/c.
        repo.Write("apps/a.yaml", Manifests.ConfigMap("default", "a", "x"));
        repo.Write("apps/b.yaml", Manifests.ConfigMap("missing", "b", "x"));
        repo.Write("apps/c.yaml", "apiVersion: v1\nkind: Secret\nmetadata:\n  name: c\n  namespace: default\nstringData:\n  k: v\n");
        await repo.CommitAndPushAsync("b in a missing namespace");
        await env.Kubectl.ApplyAsync(Manifests.FluxSystem);
        await env.Kubectl.ApplyAsync(Manifests.GitRepository("stage", env.Git.RepositoryUrl("stage")));
        await env.Kubectl.ApplyAsync(Manifests.Kustomization("stage", "stage", "./apps"));

        var refused = await Eventually.WaitAsync(
            () => env.Kubectl.JsonPathAsync("kustomization/stage", "flux-system", "{.status.conditions[?(@.reason==\"ReconciliationFailed\")].message}"),
            m => !string.IsNullOrEmpty(m), Timeout, "the apply to be refused");
        Assert.Contains("ConfigMap/missing/b", refused);
        Assert.Null(await env.Kubectl.JsonPathAsync("configmap/a", "default", "{.metadata.name}"));
        Assert.Null(await env.Kubectl.JsonPathAsync("secret/c", "default", "{.metadata.name}"));

        repo.Write("apps/namespace.yaml", Manifests.Namespace("missing"));
        var fixedCommit = await repo.CommitAndPushAsync("add the namespace");
        await SingleNodeTests.WaitForAppliedRevisionAsync(env, "stage", $"main@sha1:{fixedCommit}");
        var inventory = await env.Kubectl.JsonPathAsync("kustomization/stage", "flux-system", "{.status.inventory.entries[*].id}");
        Assert.Equal(["_missing__Namespace", "default_a__ConfigMap", "default_c__Secret", "missing_b__ConfigMap"],
            inventory!.Split(' ').Order(StringComparer.Ordinal));
    }

    /// <summary>Malicious or malformed kustomize trees (issue 12): each Kustomization ends BuildFailed with the reason
    /// in its message, and the node goes on applying a good one.</summary>
    [Fact]
    public async Task HostileKustomizeTrees_FailTheBuild_AndTheNodeKeepsWorking()
    {
        await using var env = await TideEnvironment.StartAsync();
        var repo = await env.CreateRepositoryAsync("hostile");
        const string kustomization = "resources:\n- cm.yaml\n";
        const string head = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: hostile\n  namespace: default\ndata:\n";
        var bomb = head + "  a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n" +
                   string.Concat("bcdefghi".Select((c, i) => $"  {c}: &{c} [{string.Join(",", Enumerable.Repeat("*" + "abcdefghi"[i], 9))}]\n"));
        repo.Write("bomb/kustomization.yaml", kustomization);
        repo.Write("bomb/cm.yaml", bomb);
        repo.Write("plainbomb/cm.yaml", bomb);
        repo.Write("deep/kustomization.yaml", kustomization);
        repo.Write("deep/cm.yaml", head + "  x: " + new string('[', 10000) + new string(']', 10000) + "\n");
        repo.Write("typo/kustomization.yaml", kustomization + "namePrefx: x-\n");
        repo.Write("typo/cm.yaml", head);
        repo.Write("utf8/kustomization.yaml", kustomization);
        File.WriteAllBytes(Path.Combine(repo.WorkPath, "utf8/cm.yaml"), [.. System.Text.Encoding.UTF8.GetBytes(head + "  x: \"a"), 0xFF, .. "\"\n"u8]);
        repo.Write("good/cm.yaml", Manifests.ConfigMap("default", "good", "ok"));
        await repo.CommitAndPushAsync("hostile trees");
        await env.Kubectl.ApplyAsync(Manifests.FluxSystem);
        await env.Kubectl.ApplyAsync(Manifests.GitRepository("hostile", env.Git.RepositoryUrl("hostile")));
        (string Path, string Message)[] cases =
        [
            ("bomb", "document contains excessive aliasing"),
            ("plainbomb", "document contains excessive aliasing"),
            ("deep", "exceeded max depth of 10000"),
            ("typo", "invalid Kustomization: json: unknown field \"namePrefx\""),
            ("utf8", "invalid leading UTF-8 octet"),
        ];
        foreach (var (path, _) in cases)
            await env.Kubectl.ApplyAsync(Manifests.Kustomization(path, "hostile", "./" + path));
        await env.Kubectl.ApplyAsync(Manifests.Kustomization("good", "hostile", "./good"));

        foreach (var (path, message) in cases)
        {
            // Ready=False with ArtifactFailed comes first, until the GitRepository has its artifact.
            var failed = await Eventually.WaitAsync(() => NotReadyAsync(env, "kustomization/" + path),
                f => f.Reason != "ArtifactFailed", Timeout, $"kustomization/{path} to fail past its artifact");
            Assert.Equal("BuildFailed", failed.Reason);
            Assert.Contains(message, failed.Message);
        }
        Assert.Null(await env.Kubectl.JsonPathAsync("configmap/hostile", "default", "{.metadata.name}"));
        await Eventually.WaitAsync(() => env.Kubectl.JsonPathAsync("configmap/good", "default", "{.data.value}"),
            value => value == "ok", Timeout, "the good Kustomization to be applied");
    }

    private static string[] PathNotFound(string events) =>
        events.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(e => e.Contains("path not found")).ToArray();

    private static async Task<(string Reason, string Message)> NotReadyAsync(TideEnvironment env, string resource)
    {
        var seen = await Eventually.WaitAsync(async () =>
            (await env.Kubectl.JsonPathAsync(resource, "flux-system", "{.status.conditions[?(@.type==\"Ready\")].status}"),
             await env.Kubectl.JsonPathAsync(resource, "flux-system", "{.status.conditions[?(@.type==\"Ready\")].reason}") ?? "",
             await env.Kubectl.JsonPathAsync(resource, "flux-system", "{.status.conditions[?(@.type==\"Ready\")].message}") ?? ""),
            s => s.Item1 == "False", Timeout, $"{resource} to be Ready=False");
        return (seen.Item2, seen.Item3);
    }
}
