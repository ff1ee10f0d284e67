using System.Text.Json.Nodes;
using Tide.ApiServer;
using Tide.ApiServer.Faults;
using Tide.Engine.Kube;
using Tide.Testing;

namespace Tide.EndToEnd.Tests;

/// <summary>spec.kubeConfig.secretRef: the objects go to another cluster (a second embedded API server); the
/// Kustomization and its source stay in Tide's cluster. Each remote cluster has its own client and bulkhead, so a
/// slow or unreachable one holds back only its own Kustomizations; its failures name it in their status; drift in a
/// remote cluster is watched there, as long as a Kustomization needs it.</summary>
public sealed class RemoteClusterTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

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

    [Fact]
    public async Task HungCluster_DoesNotDelayAnotherClustersReconcile()
    {
        await using var env = await TideEnvironment.StartAsync();
        await using var slow = await ApiServerHost.StartAsync(new ApiServerOptions());
        await using var fast = await ApiServerHost.StartAsync(new ApiServerOptions());
        using var kube = KubeClient.FromKubeconfig(env.Kubeconfig);
        using var dir = new TempDirectory();
        var commit = await SetUpAsync(env, dir, ("slow", slow), ("fast", fast));
        var revision = $"main@sha1:{commit}";

        // Every request to the slow cluster waits until the test lets it go. More of its Kustomizations than the
        // node's apply workers (4) start: each adds its finalizer first, so one with a finalizer is inside its
        // reconcile and will hang in its apply.
        slow.Faults = new FaultOptions { Latency = TimeSpan.FromHours(1) };
        var slowNames = Enumerable.Range(0, 6).Select(i => $"slow-{i}").ToList();
        foreach (var name in slowNames)
            await kube.ApplyAsync(RemoteKustomization(name, "slow"), Test, CancellationToken.None);
        await Eventually.WaitAsync(async () => await CountAsync(kube, slowNames, HasFinalizer), n => n >= 4, Timeout,
            "the slow cluster's Kustomizations to start reconciling");

        await kube.ApplyAsync(RemoteKustomization("fast-0", "fast"), Test, CancellationToken.None);
        await Eventually.WaitAsync(async () => await CountAsync(kube, ["fast-0"], AppliedAndReady(revision)), n => n == 1, Timeout,
            "the fast cluster's Kustomization to be Ready while the slow cluster hangs");
        Assert.Equal(0, await CountAsync(kube, slowNames, AppliedAndReady(revision)));

        slow.Faults = FaultOptions.None;
        await Eventually.WaitAsync(async () => await CountAsync(kube, slowNames, AppliedAndReady(revision)), n => n == slowNames.Count,
            Timeout, "the slow cluster's Kustomizations to be Ready once it answers");
        Assert.NotNull(await GetAsync(slow, "slow-5-settings"));
    }

    [Fact]
    public async Task UnreachableCluster_IsNamedInTheStatus_AndRecovers()
    {
        await using var env = await TideEnvironment.StartAsync();
        await using var remote = await ApiServerHost.StartAsync(new ApiServerOptions());
        using var kube = KubeClient.FromKubeconfig(env.Kubeconfig);
        using var dir = new TempDirectory();
        var commit = await SetUpAsync(env, dir, ("flaky", remote));

        remote.Faults = new FaultOptions { ConnectionDropRate = new Dictionary<string, double> { ["*"] = 1.0 } };
        await kube.ApplyAsync(RemoteKustomization("flaky-0", "flaky"), Test, CancellationToken.None);
        var message = await Eventually.WaitAsync(async () => ReadyOf(await GetKustomizationAsync(kube, "flaky-0")),
            // Its source may not have an artifact yet at first (Ready=False, ArtifactFailed): the cluster's turn comes next.
            ready => ready.Status == "False" && ready.Message?.Contains("could not be reached") == true, Timeout,
            "the Kustomization to report the unreachable cluster");
        Assert.Equal("ReconciliationFailed", message.Reason);
        Assert.Contains($"cluster 'flux-system/flaky-kubeconfig' ({remote.Url.ToString().TrimEnd('/')}) could not be reached", message.Message);

        remote.Faults = FaultOptions.None;
        await Eventually.WaitAsync(async () => await CountAsync(kube, ["flaky-0"], AppliedAndReady($"main@sha1:{commit}")), n => n == 1,
            Timeout, "the Kustomization to recover on its retry");
    }

    [Fact]
    public async Task DriftInARemoteCluster_IsReverted_AndItsWatchStopsWithTheLastKustomization()
    {
        await using var env = await TideEnvironment.StartAsync();
        await using var remote = await ApiServerHost.StartAsync(new ApiServerOptions());
        using var kube = KubeClient.FromKubeconfig(env.Kubeconfig);
        using var dir = new TempDirectory();
        var commit = await SetUpAsync(env, dir, ("watched", remote));
        // The server's own watchers (workload simulation) are there from the start.
        var ownWatches = remote.WatchCount;

        await kube.ApplyAsync(RemoteKustomization("watched-0", "watched"), Test, CancellationToken.None);
        await Eventually.WaitAsync(async () => await CountAsync(kube, ["watched-0"], AppliedAndReady($"main@sha1:{commit}")), n => n == 1,
            Timeout, "the Kustomization to apply");
        // The interval is an hour: only the drift watch in the remote cluster can revert this edit soon.
        await Eventually.WaitAsync(() => Task.FromResult(remote.WatchCount), n => n > ownWatches, Timeout, "a drift watch in the remote cluster");
        using var remoteKube = new KubeClient(k8s.KubernetesClientConfiguration.BuildConfigFromConfigFile(remote.WriteKubeconfig(dir.Combine("edit"))));
        await remoteKube.PatchAsync(new ObjectRef("v1", "ConfigMap", "default", "watched-0-settings"),
            new JsonObject { ["data"] = new JsonObject { ["value"] = "edited by hand" } }, CancellationToken.None);
        await Eventually.WaitAsync(async () => (await GetAsync(remote, "watched-0-settings"))?["data"]?["value"]?.GetValue<string>(),
            value => value == "v1", Timeout, "the edit in the remote cluster to be reverted");

        await kube.DeleteAsync(new ObjectRef(Engine.Api.Kustomization.ApiVersionV1, "Kustomization", "flux-system", "watched-0"),
            "Background", CancellationToken.None);
        await Eventually.WaitAsync(() => Task.FromResult(remote.WatchCount), n => n == ownWatches, Timeout,
            "the remote cluster's drift watch to stop once no Kustomization needs it");
        Assert.Null(await GetAsync(remote, "watched-0-settings"));
    }

    private static readonly ApplyOptions Test = new() { FieldManager = "test" };

    /// <summary>A GitRepository whose path app/ holds one ConfigMap per Kustomization name prefix, and a kubeconfig
    /// Secret "&lt;name&gt;-kubeconfig" per cluster; returns the commit.</summary>
    private static async Task<string> SetUpAsync(TideEnvironment env, TempDirectory dir, params (string Name, ApiServerHost Server)[] clusters)
    {
        var repo = await env.CreateRepositoryAsync("fleet");
        // Each Kustomization's name prefix (namePrefix "<name>-") makes its ConfigMap its own.
        repo.Write("app/settings.yaml", Manifests.ConfigMap("default", "settings", "v1"));
        var commit = await repo.CommitAndPushAsync("fleet");
        await env.Kubectl.ApplyAsync(Manifests.FluxSystem);
        foreach (var (name, server) in clusters)
            await env.Kubectl.RunAsync("create", "secret", "generic", $"{name}-kubeconfig", "-n", "flux-system",
                "--from-file=value=" + server.WriteKubeconfig(dir.Combine(name + ".kubeconfig")));
        await env.Kubectl.ApplyAsync(Manifests.GitRepository("fleet", env.Git.RepositoryUrl("fleet"), interval: "1h"));
        return commit;
    }

    private static JsonObject RemoteKustomization(string name, string cluster) => new()
    {
        ["apiVersion"] = Engine.Api.Kustomization.ApiVersionV1,
        ["kind"] = "Kustomization",
        ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = "flux-system" },
        ["spec"] = new JsonObject
        {
            ["interval"] = "1h",
            ["retryInterval"] = "1s",
            ["path"] = "./app",
            ["prune"] = true,
            ["namePrefix"] = name + "-",
            ["sourceRef"] = new JsonObject { ["kind"] = "GitRepository", ["name"] = "fleet" },
            ["kubeConfig"] = new JsonObject { ["secretRef"] = new JsonObject { ["name"] = $"{cluster}-kubeconfig" } },
        },
    };

    private static Task<JsonObject?> GetKustomizationAsync(KubeClient kube, string name) =>
        kube.GetAsync(new ObjectRef(Engine.Api.Kustomization.ApiVersionV1, "Kustomization", "flux-system", name), CancellationToken.None);

    private static async Task<JsonObject?> GetAsync(ApiServerHost server, string configMap)
    {
        using var dir = new TempDirectory();
        using var client = KubeClient.FromKubeconfig(server.WriteKubeconfig(dir.Combine("kubeconfig")));
        return await client.GetAsync(new ObjectRef("v1", "ConfigMap", "default", configMap), CancellationToken.None);
    }

    private static async Task<int> CountAsync(KubeClient kube, IEnumerable<string> names, Func<JsonObject, bool> test)
    {
        var count = 0;
        foreach (var name in names)
            if (await GetKustomizationAsync(kube, name) is { } found && test(found))
                count++;
        return count;
    }

    private static bool HasFinalizer(JsonObject ks) => ks["metadata"]?["finalizers"] is JsonArray { Count: > 0 };

    private static Func<JsonObject, bool> AppliedAndReady(string revision) =>
        ks => ks["status"]?["lastAppliedRevision"]?.GetValue<string>() == revision && ReadyOf(ks).Status == "True";

    private static (string? Status, string? Reason, string? Message) ReadyOf(JsonObject? ks)
    {
        var ready = (ks?["status"]?["conditions"] as JsonArray ?? []).FirstOrDefault(c => c?["type"]?.GetValue<string>() == "Ready");
        return (ready?["status"]?.GetValue<string>(), ready?["reason"]?.GetValue<string>(), ready?["message"]?.GetValue<string>());
    }
}
