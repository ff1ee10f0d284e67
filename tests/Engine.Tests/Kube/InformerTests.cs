using System.Text.Json.Nodes;
using System.Threading.Channels;
using Tide.ApiServer;
using Tide.ApiServer.Faults;
using Tide.Engine.Kube;

namespace Tide.Engine.Tests.Kube;

/// <summary>The informer against the embedded API server over HTTP: list, watch, resume, relist, backoff.</summary>
public sealed class InformerTests : IAsyncDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);
    private readonly TempDirectory _temp = new();
    private readonly List<IAsyncDisposable> _servers = [];
    private readonly CancellationTokenSource _stop = new();

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        foreach (var server in _servers)
            await server.DisposeAsync();
        _stop.Dispose();
        _temp.Dispose();
    }

    private async Task<KubeClient> StartServerAsync(ApiServerOptions options)
    {
        var server = await ApiServerHost.StartAsync(options);
        _servers.Add(server);
        return KubeClient.FromKubeconfig(server.WriteKubeconfig(_temp.Combine($"kubeconfig-{_servers.Count}")));
    }

    /// <summary>Runs the informer in the background; its events arrive in the returned channel.</summary>
    private ChannelReader<InformerEvent> Run(Informer informer)
    {
        var events = Channel.CreateUnbounded<InformerEvent>();
        _ = informer.RunAsync(e => events.Writer.WriteAsync(e), _stop.Token);
        return events.Reader;
    }

    private static async Task<InformerEvent> NextAsync(ChannelReader<InformerEvent> events)
    {
        using var timeout = new CancellationTokenSource(Timeout);
        return await events.ReadAsync(timeout.Token);
    }

    private static JsonObject ConfigMap(string name, string app) => new()
    {
        ["apiVersion"] = "v1",
        ["kind"] = "ConfigMap",
        ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = "default", ["labels"] = new JsonObject { ["app"] = app } },
    };

    private static string Describe(InformerEvent e) => e switch
    {
        InformerEvent.Listed l => "listed " + string.Join(",", l.Items.Select(i => i["metadata"]!["name"]!.GetValue<string>()).Order()),
        InformerEvent.Changed c => "changed " + c.Object["metadata"]!["name"]!.GetValue<string>(),
        InformerEvent.Deleted d => "deleted " + d.Object["metadata"]!["name"]!.GetValue<string>(),
        InformerEvent.Retrying => "retrying",
        _ => e.ToString(),
    };

    [Fact]
    public async Task Run_ListsThenStreamsChanges_ResumingWatchesTheServerEnds_WithoutListingAgain()
    {
        // The server ends every watch after one event: each change after the first comes through a resumed watch.
        var kube = await StartServerAsync(new ApiServerOptions { Faults = new FaultOptions { WatchCloseAfterEvents = 1 } });
        var create = new ApplyOptions { FieldManager = "test" };
        await kube.ApplyAsync(ConfigMap("a", "web"), create, CancellationToken.None);
        await kube.ApplyAsync(ConfigMap("other", "db"), create, CancellationToken.None);
        var events = Run(new Informer(kube, "v1", "ConfigMap", "app=web"));

        Assert.Equal("listed a", Describe(await NextAsync(events)));
        await kube.ApplyAsync(ConfigMap("b", "web"), create, CancellationToken.None);
        await kube.ApplyAsync(ConfigMap("c", "web"), create, CancellationToken.None);
        await kube.ApplyAsync(ConfigMap("ignored", "db"), create, CancellationToken.None);
        await kube.DeleteAsync(new ObjectRef("v1", "ConfigMap", "default", "a"), "Background", CancellationToken.None);

        Assert.Equal(["changed b", "changed c", "deleted a"],
            [Describe(await NextAsync(events)), Describe(await NextAsync(events)), Describe(await NextAsync(events))]);
        // Watch events carry the apiVersion and kind, as listed items do.
        await kube.ApplyAsync(ConfigMap("d", "web"), create, CancellationToken.None);
        var changed = Assert.IsType<InformerEvent.Changed>(await NextAsync(events));
        Assert.Equal(("v1", "ConfigMap"), (changed.Object["apiVersion"]!.GetValue<string>(), changed.Object["kind"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Run_ResumeVersionExpired_ListsAgain()
    {
        // One event of history, and every watch ends after one event: while the consumer holds the informer on the
        // first change, two more writes push that change's resourceVersion out of the history.
        var kube = await StartServerAsync(new ApiServerOptions { WatchHistory = 1, Faults = new FaultOptions { WatchCloseAfterEvents = 1 } });
        var create = new ApplyOptions { FieldManager = "test" };
        var events = Channel.CreateUnbounded<InformerEvent>();
        var release = new TaskCompletionSource();
        _ = new Informer(kube, "v1", "ConfigMap", "app=web").RunAsync(async e =>
        {
            await events.Writer.WriteAsync(e);
            if (e is InformerEvent.Changed)
                await release.Task;
        }, _stop.Token);

        Assert.Equal("listed ", Describe(await NextAsync(events.Reader)));
        await kube.ApplyAsync(ConfigMap("a", "web"), create, CancellationToken.None);
        Assert.Equal("changed a", Describe(await NextAsync(events.Reader)));
        await kube.ApplyAsync(ConfigMap("b", "web"), create, CancellationToken.None);
        await kube.ApplyAsync(ConfigMap("c", "web"), create, CancellationToken.None);
        release.SetResult();

        Assert.Equal("listed a,b,c", Describe(await NextAsync(events.Reader)));
    }

    [Fact]
    public async Task Run_ListsEverythingAgain_EveryRelistInterval()
    {
        var kube = await StartServerAsync(new ApiServerOptions());
        await kube.ApplyAsync(ConfigMap("a", "web"), new ApplyOptions { FieldManager = "test" }, CancellationToken.None);
        var events = Run(new Informer(kube, "v1", "ConfigMap", "app=web") { RelistInterval = TimeSpan.FromMilliseconds(300) });

        Assert.Equal("listed a", Describe(await NextAsync(events)));
        Assert.Equal("listed a", Describe(await NextAsync(events)));
    }

    [Fact]
    public async Task Run_ServerUnreachable_RetriesWithGrowingBackoff()
    {
        var kube = await StartServerAsync(new ApiServerOptions());
        await ((ApiServerHost)_servers[0]).DisposeAsync();
        _servers.Clear();
        var events = Run(new Informer(kube, "v1", "ConfigMap"));

        var first = Assert.IsType<InformerEvent.Retrying>(await NextAsync(events));
        var second = Assert.IsType<InformerEvent.Retrying>(await NextAsync(events));

        Assert.Equal(TimeSpan.FromMilliseconds(200), first.Delay);
        Assert.Equal(TimeSpan.FromMilliseconds(400), second.Delay);
    }
}
