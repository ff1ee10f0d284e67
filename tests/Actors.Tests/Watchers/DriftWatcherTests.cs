using System.Text.Json.Nodes;
using Akka.Actor;
using Akka.TestKit.Xunit2;
using Tide.Actors.Sharding;
using Tide.Actors.Watchers;
using Tide.ApiServer;
using Tide.Engine.Kube;

namespace Tide.Actors.Tests.Watchers;

/// <summary>The drift watcher against an embedded API server: one watch per cluster and kind, however many
/// Kustomizations need it, kept while any does, stopped once none does.</summary>
public sealed class DriftWatcherTests() : TestKit("akka.actor.serialize-messages = on"), IAsyncLifetime
{
    private const string First = "Kustomization/flux-system/first";
    private const string Second = "Kustomization/flux-system/second";
    private static readonly AppliedKind ConfigMaps = new("v1", "ConfigMap");
    private ApiServerHost _server = null!;
    private KubeClient _kube = null!;
    private int _ownWatches;

    public async Task InitializeAsync()
    {
        _server = await ApiServerHost.StartAsync(new ApiServerOptions { SimulateWorkloads = false });
        _kube = new KubeClient(new k8s.KubernetesClientConfiguration { Host = _server.Url.ToString() });
        _ownWatches = _server.WatchCount;
    }

    public async Task DisposeAsync()
    {
        _kube.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task OneWatchForEveryKustomizationNeedingIt_StoppedWhenTheLastWithdraws()
    {
        var kustomizations = CreateTestProbe();
        var regions = new ShardRegions();
        regions.Add("Kustomization", kustomizations);
        using var clusters = new RemoteClusters();
        var watcher = Sys.ActorOf(DriftWatcher.Props(_kube, clusters, regions));

        watcher.Tell(new DriftWatcher.WatchKinds(First, null, new List<AppliedKind> { ConfigMaps }));
        watcher.Tell(new DriftWatcher.WatchKinds(Second, null, new List<AppliedKind> { ConfigMaps }));
        watcher.Tell(new DriftWatcher.WatchKinds(Second, null, new List<AppliedKind> { ConfigMaps }));
        await AwaitAssertAsync(() => Assert.Equal(_ownWatches + 1, _server.WatchCount), TimeSpan.FromSeconds(10));

        // The first withdraws (deleted); the watch stays for the second, and reports a change to its object.
        watcher.Tell(new DriftWatcher.StopWatching(First));
        await _kube.ApplyAsync(ConfigMap("edited", "second"), new ApplyOptions { FieldManager = "kubectl-edit" }, CancellationToken.None);
        var drift = kustomizations.ExpectMsg<DriftDetected>(TimeSpan.FromSeconds(10));
        Assert.Equal((Second, "ConfigMap/default/edited"), (drift.EntityId, drift.Object));
        Assert.Equal(_ownWatches + 1, _server.WatchCount);

        // The second's inventory became empty: nobody needs the watch.
        watcher.Tell(new DriftWatcher.WatchKinds(Second, null, new List<AppliedKind>()));
        await AwaitAssertAsync(() => Assert.Equal(_ownWatches, _server.WatchCount), TimeSpan.FromSeconds(10));
    }

    private static JsonObject ConfigMap(string name, string owner) => new()
    {
        ["apiVersion"] = "v1",
        ["kind"] = "ConfigMap",
        ["metadata"] = new JsonObject
        {
            ["name"] = name,
            ["namespace"] = "default",
            ["labels"] = new JsonObject { [DriftWatcher.NameLabel] = owner, [DriftWatcher.NamespaceLabel] = "flux-system" },
        },
        ["data"] = new JsonObject { ["value"] = "by hand" },
    };
}
