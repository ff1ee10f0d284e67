using System.Text.Json.Nodes;
using Akka.Actor;
using Akka.Cluster.Sharding;
using Tide.Actors.Cluster;
using Tide.Engine.Kube;
using Tide.Host.Cli;
using Tide.Host.Runtime;

namespace Tide.Host.Ui;

/// <summary>The cluster page: the Tide nodes (Akka members, with the version their lease announces) and how many
/// entities of each kind each node runs (the shard regions' statistics).</summary>
public static class ClusterView
{
    private static readonly TimeSpan StatsTimeout = TimeSpan.FromSeconds(3);

    /// <summary>Each node's version from its lease; none when Tide may not read the leases (the page still shows).</summary>
    private static async Task<IReadOnlyDictionary<string, string>> VersionsAsync(KubeClient kube, CancellationToken ct)
    {
        try
        {
            return (await TideNodes.UpAsync(kube, NodeLease.Namespace, ct)).ToDictionary(n => n.Address, n => n.Version, StringComparer.Ordinal);
        }
        catch (KubeApiException)
        {
            return new Dictionary<string, string>();
        }
    }

    public static async Task<JsonObject> BuildAsync(TideNode node, KubeClient kube, CancellationToken ct)
    {
        var cluster = Akka.Cluster.Cluster.Get(node.System);
        var state = cluster.State;
        var entities = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
        foreach (var kind in node.Regions.Kinds.Order(StringComparer.Ordinal))
        {
            ClusterShardingStats stats;
            try
            {
                stats = await node.Regions.For(kind).Ask<ClusterShardingStats>(new GetClusterShardingStats(StatsTimeout),
                    StatsTimeout + TimeSpan.FromSeconds(1), ct);
            }
            catch (AskTimeoutException)
            {
                // The kind's coordinator did not answer (a node is leaving): its counts are left out, the page still shows.
                continue;
            }
            foreach (var (address, region) in stats.Regions)
            {
                var counts = entities.TryGetValue(address.ToString(), out var found) ? found : entities[address.ToString()] = new JsonObject();
                counts[kind] = region.Stats.Values.Sum();
            }
        }
        var versions = await VersionsAsync(kube, ct);
        return new JsonObject
        {
            ["self"] = cluster.SelfAddress.ToString(),
            ["leader"] = state.Leader?.ToString(),
            ["kinds"] = new JsonArray(node.Regions.Kinds.Order(StringComparer.Ordinal).Select(k => (JsonNode?)k).ToArray()),
            ["nodes"] = new JsonArray(state.Members.OrderBy(m => m.Address.ToString(), StringComparer.Ordinal).Select(m => (JsonNode?)new JsonObject
            {
                ["address"] = m.Address.ToString(),
                ["status"] = m.Status.ToString(),
                ["version"] = versions.GetValueOrDefault(m.Address.ToString()),
                ["unreachable"] = state.Unreachable.Contains(m),
                ["entities"] = entities.GetValueOrDefault(m.Address.ToString())?.DeepClone() ?? new JsonObject(),
            }).ToArray()),
        };
    }
}
