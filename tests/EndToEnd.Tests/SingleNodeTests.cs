using Tide.Testing;

namespace Tide.EndToEnd.Tests;

/// <summary>The walking skeleton on one node: a commit in Git becomes objects in the cluster; drift is reverted.</summary>
public sealed class SingleNodeTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private const string ReadyPath = "{.status.conditions[?(@.type==\"Ready\")].status}";

    [Fact]
    public async Task KustomizationCreatedAfterItsSourceIsReady_NeverReportsTheSourceMissing()
    {
        await using var env = await TideEnvironment.StartAsync();
        var repo = await env.CreateRepositoryAsync("late");
        repo.Write("app/late.yaml", Manifests.ConfigMap("default", "late", "v1"));
        var commit = await repo.CommitAndPushAsync("late");
        await env.Kubectl.ApplyAsync(Manifests.FluxSystem);
        await env.Kubectl.ApplyAsync(Manifests.GitRepository("late", env.Git.RepositoryUrl("late")));
        await Eventually.WaitAsync(
            () => env.Kubectl.JsonPathAsync("gitrepository/late", "flux-system", "{.status.artifact.revision}"),
            revision => revision == $"main@sha1:{commit}", TimeSpan.FromSeconds(60), "the source's artifact");

        // Its first reconcile may run before the source entity answered the subscription: the artifact in the
        // source's status is used, as Flux does, instead of a transient "Source is not ready".
        await env.Kubectl.ApplyAsync(Manifests.Kustomization("late", "late", "./app"));
        await WaitForAppliedRevisionAsync(env, "late", $"main@sha1:{commit}");
        var warnings = await env.Kubectl.RunAsync("get", "events", "-n", "flux-system",
            "--field-selector", "involvedObject.kind=Kustomization,involvedObject.name=late,type=Warning",
            "-o", "jsonpath={.items[*].message}");
        Assert.Equal("", warnings);
    }

    [Fact]
    public async Task GitCommit_IsApplied_Updated_Pruned_AndDriftReverted()
    {
        await using var env = await TideEnvironment.StartAsync();
        var repo = await env.CreateRepositoryAsync("apps");
        repo.Write("deploy/namespace.yaml", Manifests.Namespace("shop"));
        repo.Write("deploy/web.yaml", Manifests.Deployment("shop", "web", 1));
        repo.Write("deploy/settings.yaml", Manifests.ConfigMap("shop", "settings", "one"));
        var first = await repo.CommitAndPushAsync("first");

        await env.Kubectl.ApplyAsync(Manifests.FluxSystem);
        await env.Kubectl.ApplyAsync(Manifests.GitRepository("apps", env.Git.RepositoryUrl("apps")));
        await env.Kubectl.ApplyAsync(Manifests.Kustomization("apps", "apps", "./deploy"));

        await WaitForAppliedRevisionAsync(env, "apps", $"main@sha1:{first}");
        Assert.Equal("1", await env.Kubectl.JsonPathAsync("deployment/web", "shop", "{.spec.replicas}"));
        Assert.Equal("one", await env.Kubectl.JsonPathAsync("configmap/settings", "shop", "{.data.value}"));
        Assert.Equal("apps", await env.Kubectl.JsonPathAsync("deployment/web", "shop",
            "{.metadata.labels.kustomize\\.toolkit\\.fluxcd\\.io/name}"));
        var inventory = await env.Kubectl.JsonPathAsync("kustomization/apps", "flux-system", "{.status.inventory.entries[*].id}");
        Assert.Equal("_shop__Namespace shop_settings__ConfigMap shop_web_apps_Deployment", inventory);
        var artifactRevision = await env.Kubectl.JsonPathAsync("gitrepository/apps", "flux-system", "{.status.artifact.revision}");
        Assert.Equal($"main@sha1:{first}", artifactRevision);

        // Kubernetes Events as Flux's controllers record them, with the per-object change set.
        var events = await env.Kubectl.JsonPathAsync("events", "flux-system",
            "{range .items[?(@.involvedObject.name==\"apps\")]}{.involvedObject.kind}/{.reason}/{.type}: {.message}{\"\\n\"}{end}");
        Assert.Contains("GitRepository/NewArtifact/Normal: stored artifact for commit 'first'", events);
        Assert.Contains("Kustomization/ReconciliationSucceeded/Normal: ", events);
        Assert.Contains("Deployment/shop/web created", events);

        // A commit that changes the Deployment and removes the ConfigMap: applied and pruned.
        repo.Write("deploy/web.yaml", Manifests.Deployment("shop", "web", 3));
        repo.Delete("deploy/settings.yaml");
        var second = await repo.CommitAndPushAsync("scale up, drop settings");
        await WaitForAppliedRevisionAsync(env, "apps", $"main@sha1:{second}");
        Assert.Equal("3", await env.Kubectl.JsonPathAsync("deployment/web", "shop", "{.spec.replicas}"));
        await Eventually.WaitAsync(() => env.Kubectl.JsonPathAsync("configmap/settings", "shop", "{.metadata.name}"),
            name => name is null, Timeout, "the ConfigMap to be pruned");

        // Drift made by hand is reverted without waiting for the interval (1m).
        await env.Kubectl.RunAsync("patch", "deployment/web", "-n", "shop", "--type=merge", "-p", "{\"spec\":{\"replicas\":7}}");
        await Eventually.WaitAsync(() => env.Kubectl.JsonPathAsync("deployment/web", "shop", "{.spec.replicas}"),
            replicas => replicas == "3", TimeSpan.FromSeconds(20), "the manual replicas change to be reverted");

        // Deleting the Kustomization (prune: true) deletes what it applied, then the Kustomization goes.
        Assert.Equal("finalizers.fluxcd.io", await env.Kubectl.JsonPathAsync("kustomization/apps", "flux-system", "{.metadata.finalizers[0]}"));
        await env.Kubectl.RunAsync("delete", "kustomization/apps", "-n", "flux-system", "--wait=false");
        await Eventually.WaitAsync(() => env.Kubectl.JsonPathAsync("deployment/web", "shop", "{.metadata.name}"),
            name => name is null, Timeout, "the Deployment to be deleted with its Kustomization");
        await Eventually.WaitAsync(() => env.Kubectl.JsonPathAsync("kustomization/apps", "flux-system", "{.metadata.name}"),
            name => name is null, Timeout, "the Kustomization to go once it cleaned up");
        Assert.Null(await env.Kubectl.JsonPathAsync("namespace/shop", null, "{.status.phase}") is "Active" ? "still active" : null);
    }

    [Fact]
    public async Task Suspend_StopsApplying_AndRequestedAtReconcilesAtOnce()
    {
        await using var env = await TideEnvironment.StartAsync();
        var repo = await env.CreateRepositoryAsync("cfg");
        repo.Write("cfg/settings.yaml", Manifests.ConfigMap("default", "settings", "one"));
        repo.Write("witness/witness.yaml", Manifests.ConfigMap("default", "witness", "one"));
        var first = await repo.CommitAndPushAsync("first");
        await env.Kubectl.ApplyAsync(Manifests.FluxSystem);
        // Long intervals: only requestedAt (or a new artifact) makes anything happen soon.
        await env.Kubectl.ApplyAsync(Manifests.GitRepository("cfg", env.Git.RepositoryUrl("cfg"), interval: "10m"));
        await env.Kubectl.ApplyAsync(Manifests.Kustomization("cfg", "cfg", "./cfg", interval: "10m"));
        // A witness on the same source: when it has applied a revision, cfg would have too, were it not suspended.
        await env.Kubectl.ApplyAsync(Manifests.Kustomization("witness", "cfg", "./witness", interval: "10m"));
        await WaitForAppliedRevisionAsync(env, "cfg", $"main@sha1:{first}");

        // requestedAt on the source fetches the new commit now; the Kustomization applies it on ArtifactChanged.
        repo.Write("cfg/settings.yaml", Manifests.ConfigMap("default", "settings", "two"));
        var second = await repo.CommitAndPushAsync("two");
        await env.Kubectl.RunAsync("annotate", "--overwrite", "gitrepository/cfg", "-n", "flux-system", "reconcile.fluxcd.io/requestedAt=first");
        await WaitForAppliedRevisionAsync(env, "cfg", $"main@sha1:{second}");
        Assert.Equal("two", await env.Kubectl.JsonPathAsync("configmap/settings", "default", "{.data.value}"));

        // Suspended: a new commit is fetched but not applied, and drift is left alone.
        await env.Kubectl.RunAsync("patch", "kustomization/cfg", "-n", "flux-system", "--type=merge", "-p", "{\"spec\":{\"suspend\":true}}");
        repo.Write("cfg/settings.yaml", Manifests.ConfigMap("default", "settings", "three"));
        var third = await repo.CommitAndPushAsync("three");
        await env.Kubectl.RunAsync("annotate", "--overwrite", "gitrepository/cfg", "-n", "flux-system", "reconcile.fluxcd.io/requestedAt=second");
        await WaitForAppliedRevisionAsync(env, "witness", $"main@sha1:{third}");
        Assert.Equal("two", await env.Kubectl.JsonPathAsync("configmap/settings", "default", "{.data.value}"));

        // Resumed: applied at once.
        await env.Kubectl.RunAsync("patch", "kustomization/cfg", "-n", "flux-system", "--type=merge", "-p", "{\"spec\":{\"suspend\":false}}");
        await WaitForAppliedRevisionAsync(env, "cfg", $"main@sha1:{third}");
        Assert.Equal("three", await env.Kubectl.JsonPathAsync("configmap/settings", "default", "{.data.value}"));

        // requestedAt on the Kustomization reconciles it now and is recorded as handled.
        await env.Kubectl.RunAsync("annotate", "--overwrite", "kustomization/cfg", "-n", "flux-system", "reconcile.fluxcd.io/requestedAt=now-1");
        await Eventually.WaitAsync(() => env.Kubectl.JsonPathAsync("kustomization/cfg", "flux-system", "{.status.lastHandledReconcileAt}"),
            handled => handled == "now-1", Timeout, "lastHandledReconcileAt to record the request");
    }

    internal static async Task WaitForAppliedRevisionAsync(TideEnvironment env, string name, string revision)
    {
        await Eventually.WaitAsync(async () =>
                (await env.Kubectl.JsonPathAsync("kustomization/" + name, "flux-system", "{.status.lastAppliedRevision} " + ReadyPath),
                 await env.Kubectl.JsonPathAsync("kustomization/" + name, "flux-system", "{.status.conditions[?(@.type==\"Ready\")].message}")),
            seen => seen.Item1 == $"{revision} True", Timeout, $"Kustomization {name} to apply {revision}");
    }
}
