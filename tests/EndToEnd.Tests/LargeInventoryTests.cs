using System.Text;
using Akka.Actor;
using Akka.Cluster.Sharding;
using Tide.Host.Runtime;
using Tide.Testing;

namespace Tide.EndToEnd.Tests;

/// <summary>
/// A Kustomization whose inventory holds 5,000 entries (its object is far beyond Akka's 128 kB frame): messages between
/// nodes carry its id and resourceVersion only, so a change reaches its entity wherever the watcher runs, and the entity
/// moves to another node when its node leaves and goes on reconciling.
/// </summary>
public sealed class LargeInventoryTests
{
    private const int Objects = 5000;
    private const string Entity = "Kustomization/flux-system/big";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task EntityWith5000InventoryEntries_MovesToAnotherNode_AndKeepsReconciling()
    {
        await using var env = await TideEnvironment.StartAsync(nodes: 3);
        var repo = await env.CreateRepositoryAsync("big");
        repo.Write("apps/configmaps.yaml", ConfigMaps("one"));
        var first = await repo.CommitAndPushAsync("one");
        await env.Kubectl.ApplyAsync(Manifests.FluxSystem);
        await env.Kubectl.ApplyAsync(Manifests.Namespace("big"));
        await env.Kubectl.ApplyAsync(Manifests.GitRepository("big", env.Git.RepositoryUrl("big")));
        // A long interval: only news (the watcher's, a source's) makes it reconcile within the test.
        await env.Kubectl.ApplyAsync(Manifests.Kustomization("big", "big", "./apps", interval: "1h"));
        await SingleNodeTests.WaitForAppliedRevisionAsync(env, "big", $"main@sha1:{first}");
        Assert.Equal(Objects, await InventoryCountAsync(env));

        // A change of the object reaches the entity (reconcile now: requestedAt), wherever the watcher runs.
        await RequestReconcileAsync(env, "before-move");

        var owner = await OwnerAsync(env);
        await env.StopNodeAsync(owner);
        await Eventually.WaitAsync(async () => await OwnerOrNullAsync(env), n => n is not null, Timeout,
            "the Kustomization to run on another node");

        await RequestReconcileAsync(env, "after-move");
        repo.Write("apps/configmaps.yaml", ConfigMaps("two"));
        var second = await repo.CommitAndPushAsync("two");
        await SingleNodeTests.WaitForAppliedRevisionAsync(env, "big", $"main@sha1:{second}");
        Assert.Equal("two", await env.Kubectl.JsonPathAsync($"configmap/cm{Objects - 1}", "big", "{.data.value}"));
        Assert.Equal(Objects, await InventoryCountAsync(env));
    }

    private static string ConfigMaps(string value)
    {
        var yaml = new StringBuilder();
        for (var i = 0; i < Objects; i++)
            yaml.Append($"---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm{i}\n  namespace: big\ndata:\n  value: \"{value}\"\n");
        return yaml.ToString();
    }

    private static async Task<int> InventoryCountAsync(TideEnvironment env) =>
        (await env.Kubectl.JsonPathAsync("kustomization/big", "flux-system", "{.status.inventory.entries[*].id}"))!
        .Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;

    private static async Task RequestReconcileAsync(TideEnvironment env, string token)
    {
        await env.Kubectl.RunAsync("annotate", "--overwrite", "kustomization/big", "-n", "flux-system",
            $"reconcile.fluxcd.io/requestedAt={token}");
        await Eventually.WaitAsync(() => env.Kubectl.JsonPathAsync("kustomization/big", "flux-system", "{.status.lastHandledReconcileAt}"),
            handled => handled == token, Timeout, $"the Kustomization to handle requestedAt {token}");
    }

    private static async Task<TideRuntime> OwnerAsync(TideEnvironment env) =>
        await OwnerOrNullAsync(env) ?? throw new InvalidOperationException($"no node runs {Entity}");

    private static async Task<TideRuntime?> OwnerOrNullAsync(TideEnvironment env)
    {
        foreach (var node in env.Nodes)
        {
            var state = await node.Node.Regions.For("Kustomization")
                .Ask<CurrentShardRegionState>(GetShardRegionState.Instance, TimeSpan.FromSeconds(5));
            if (state.Shards.Any(s => s.EntityIds.Contains(Entity)))
                return node;
        }
        return null;
    }
}
