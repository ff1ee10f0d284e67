using Akka.Actor;
using Akka.Cluster.Sharding;
using Tide.Testing;

namespace Tide.EndToEnd.Tests;

/// <summary>Two Tide nodes in one Akka cluster on loopback: entities spread over both, and a source on one node feeds
/// a Kustomization on the other through ArtifactChanged and an HTTP download checked against the digest.</summary>
public sealed class TwoNodeTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task EntitiesSpread_AndArtifactsCrossNodes()
    {
        await using var env = await TideEnvironment.StartAsync(nodes: 1);
        var repo = await env.CreateRepositoryAsync("shared");
        for (var i = 0; i < 4; i++)
            repo.Write($"team{i}/settings.yaml", Manifests.ConfigMap("default", $"team{i}", $"value{i}"));
        var commit = await repo.CommitAndPushAsync("teams");
        await env.Kubectl.ApplyAsync(Manifests.FluxSystem);

        // Sources are created while only the first node exists, so they live there.
        for (var i = 0; i < 4; i++)
            await env.Kubectl.ApplyAsync(Manifests.GitRepository($"src{i}", env.Git.RepositoryUrl("shared")));
        for (var i = 0; i < 4; i++)
            await Eventually.WaitAsync(() => env.Kubectl.JsonPathAsync($"gitrepository/src{i}", "flux-system", "{.status.artifact.revision}"),
                r => r == $"main@sha1:{commit}", Timeout, $"src{i} to have an artifact");

        // A second node joins; new Kustomizations are allocated over both.
        await env.AddNodeAsync();
        await Eventually.WaitAsync(() => Task.FromResult(env.Nodes[0].Node.MemberCount), n => n == 2, Timeout, "both nodes to be up");
        for (var i = 0; i < 4; i++)
            await env.Kubectl.ApplyAsync(Manifests.Kustomization($"team{i}", $"src{i}", $"./team{i}"));
        for (var i = 0; i < 4; i++)
            await SingleNodeTests.WaitForAppliedRevisionAsync(env, $"team{i}", $"main@sha1:{commit}");

        var placement = new Dictionary<string, int>();
        for (var n = 0; n < env.Nodes.Count; n++)
        {
            foreach (var kind in new[] { "GitRepository", "Kustomization" })
            {
                var state = await env.Nodes[n].Node.Regions.For(kind)
                    .Ask<CurrentShardRegionState>(GetShardRegionState.Instance, TimeSpan.FromSeconds(5));
                foreach (var id in state.Shards.SelectMany(s => s.EntityIds))
                    placement[id] = n;
            }
        }
        Assert.Contains(0, placement.Values);
        Assert.Contains(1, placement.Values);
        var crossing = Enumerable.Range(0, 4)
            .Where(i => placement[$"Kustomization/flux-system/team{i}"] != placement[$"GitRepository/flux-system/src{i}"])
            .ToList();
        Assert.NotEmpty(crossing);
        foreach (var i in crossing)
            Assert.Equal($"value{i}", await env.Kubectl.JsonPathAsync($"configmap/team{i}", "default", "{.data.value}"));
    }
}
