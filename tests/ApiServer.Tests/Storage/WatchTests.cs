using System.Net;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;

namespace Tide.ApiServer.Tests.Storage;

[Collection(ApiServerCollection.Name)]
public sealed class WatchTests(ApiServerFixture fixture)
{
    private Kubernetes Client => fixture.Client;

    private static string Describe(JsonObject e) =>
        $"{e["type"]} {e["object"]!["metadata"]!["name"]}";

    [Fact]
    public async Task WatchFromResourceVersion_SeesExactlyTheLaterChangesInOrder()
    {
        var ns = await fixture.NewNamespaceAsync();
        await Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new() { Name = "before" } }, ns);
        var from = (await Client.CoreV1.ListNamespacedConfigMapAsync(ns)).Metadata.ResourceVersion;

        await Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new() { Name = "b" } }, ns);
        var b = await Client.CoreV1.ReadNamespacedConfigMapAsync("b", ns);
        b.Data = new Dictionary<string, string> { ["k"] = "v" };
        await Client.CoreV1.ReplaceNamespacedConfigMapAsync(b, "b", ns);
        await Client.CoreV1.DeleteNamespacedConfigMapAsync("before", ns);

        await using var watch = await WatchReader.OpenAsync(fixture.Http, $"/api/v1/namespaces/{ns}/configmaps?watch=1&resourceVersion={from}");
        var events = new List<JsonObject>();
        for (var i = 0; i < 3; i++) events.Add((await watch.NextAsync())!);
        Assert.Equal(["ADDED b", "MODIFIED b", "DELETED before"], events.Select(Describe));
        var versions = events.Select(e => long.Parse(e["object"]!["metadata"]!["resourceVersion"]!.GetValue<string>())).ToList();
        Assert.Equal(versions.Order(), versions);
        Assert.True(versions[0] > long.Parse(from));

        await Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new() { Name = "live" } }, ns);
        Assert.Equal("ADDED live", Describe((await watch.NextAsync())!));
    }

    [Fact]
    public async Task WatchWithoutResourceVersion_StartsWithTheCurrentObjects()
    {
        var ns = await fixture.NewNamespaceAsync();
        await Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new() { Name = "x" } }, ns);
        await using var watch = await WatchReader.OpenAsync(fixture.Http, $"/api/v1/namespaces/{ns}/configmaps?watch=true");
        var initial = new[] { Describe((await watch.NextAsync())!), Describe((await watch.NextAsync())!) };
        Assert.Equal(["ADDED " + NamespaceContent.RootCa, "ADDED x"], initial.Order());
    }

    [Fact]
    public async Task KubernetesClientWatch_ReceivesTypedEvents()
    {
        var ns = await fixture.NewNamespaceAsync();
        var seen = new List<(WatchEventType, string)>();
        var done = new TaskCompletionSource();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var watching = Task.Run(async () =>
        {
            await foreach (var (type, item) in Client.CoreV1.WatchListNamespacedConfigMapAsync(ns, cancellationToken: cts.Token))
            {
                if (item.Metadata.Name == NamespaceContent.RootCa) continue;
                seen.Add((type, item.Metadata.Name));
                if (type == WatchEventType.Deleted) break;
            }
        });
        await Task.Delay(300);
        await Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new() { Name = "typed" } }, ns);
        await Client.CoreV1.DeleteNamespacedConfigMapAsync("typed", ns);
        await watching.WaitAsync(cts.Token);
        Assert.Equal([(WatchEventType.Added, "typed"), (WatchEventType.Deleted, "typed")], seen);
    }

    [Fact]
    public async Task LabelSelectorWatch_ReportsObjectsEnteringAndLeavingTheSelection()
    {
        var ns = await fixture.NewNamespaceAsync();
        var from = (await Client.CoreV1.ListNamespacedConfigMapAsync(ns)).Metadata.ResourceVersion;
        await using var watch = await WatchReader.OpenAsync(fixture.Http,
            $"/api/v1/namespaces/{ns}/configmaps?watch=1&labelSelector=tier%3Dweb&resourceVersion={from}");
        await Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new() { Name = "other" } }, ns);
        var cm = await Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap
        {
            Metadata = new() { Name = "m", Labels = new Dictionary<string, string> { ["tier"] = "db" } },
        }, ns);
        cm.Metadata.Labels["tier"] = "web";
        cm = await Client.CoreV1.ReplaceNamespacedConfigMapAsync(cm, "m", ns);
        cm.Data = new Dictionary<string, string> { ["a"] = "b" };
        cm = await Client.CoreV1.ReplaceNamespacedConfigMapAsync(cm, "m", ns);
        cm.Metadata.Labels["tier"] = "db";
        await Client.CoreV1.ReplaceNamespacedConfigMapAsync(cm, "m", ns);

        Assert.Equal("ADDED m", Describe((await watch.NextAsync())!));
        Assert.Equal("MODIFIED m", Describe((await watch.NextAsync())!));
        Assert.Equal("DELETED m", Describe((await watch.NextAsync())!));
    }

    [Fact]
    public async Task Bookmarks_CarryTheCurrentResourceVersion_WhenAllowed()
    {
        var ns = await fixture.NewNamespaceAsync();
        var from = (await Client.CoreV1.ListNamespacedConfigMapAsync(ns)).Metadata.ResourceVersion;
        await using var watch = await WatchReader.OpenAsync(fixture.Http,
            $"/api/v1/namespaces/{ns}/configmaps?watch=1&allowWatchBookmarks=true&resourceVersion={from}");
        var bookmark = (await watch.NextAsync(TimeSpan.FromSeconds(5)))!;
        Assert.Equal("BOOKMARK", bookmark["type"]!.GetValue<string>());
        Assert.Equal("ConfigMap", bookmark["object"]!["kind"]!.GetValue<string>());
        Assert.True(long.Parse(bookmark["object"]!["metadata"]!["resourceVersion"]!.GetValue<string>()) >= long.Parse(from));
    }

    [Fact]
    public async Task TimeoutSeconds_EndsTheStream()
    {
        var ns = await fixture.NewNamespaceAsync();
        var started = DateTime.UtcNow;
        await using var watch = await WatchReader.OpenAsync(fixture.Http, $"/api/v1/namespaces/{ns}/configmaps?watch=1&timeoutSeconds=1&fieldSelector=metadata.name%3Dnone");
        Assert.Null(await watch.NextAsync(TimeSpan.FromSeconds(10)));
        Assert.InRange(DateTime.UtcNow - started, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(8));
    }

    [Fact]
    public async Task ThousandConcurrentWatches_AllReceiveTheEvent()
    {
        var ns = await fixture.NewNamespaceAsync();
        var from = (await Client.CoreV1.ListNamespacedConfigMapAsync(ns)).Metadata.ResourceVersion;
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = int.MaxValue }) { BaseAddress = fixture.Server.Url };
        var watchesBefore = fixture.Server.WatchCount;
        var watches = await Task.WhenAll(Enumerable.Range(0, 1000).Select(_ =>
            WatchReader.OpenAsync(http, $"/api/v1/namespaces/{ns}/configmaps?watch=1&resourceVersion={from}")));
        try
        {
            await Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new() { Name = "fanout" } }, ns);
            var events = await Task.WhenAll(watches.Select(w => w.NextAsync(TimeSpan.FromSeconds(30))));
            Assert.All(events, e => Assert.Equal("ADDED fanout", Describe(e!)));
        }
        finally
        {
            foreach (var w in watches) await w.DisposeAsync();
        }
        // Closed watches are released by the server.
        for (var i = 0; i < 50 && fixture.Server.WatchCount > watchesBefore; i++) await Task.Delay(100);
        Assert.True(fixture.Server.WatchCount <= watchesBefore, $"{fixture.Server.WatchCount} watches still open");
    }

    [Fact]
    public async Task KubectlGetWatch_PrintsEvents()
    {
        var ns = await fixture.NewNamespaceAsync();
        var start = new System.Diagnostics.ProcessStartInfo("kubectl",
            ["--kubeconfig", fixture.Kubeconfig, "-n", ns, "get", "configmaps", "-w", "--output-watch-events"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var kubectl = System.Diagnostics.Process.Start(start)!;
        try
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            var writes = Task.Run(async () =>
            {
                // kubectl lists, then watches: keep writing until it has seen one.
                for (var i = 0; !cts.IsCancellationRequested; i++)
                {
                    await Task.Delay(300);
                    await Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new() { Name = $"w{i}" } }, ns);
                }
            });
            string? line;
            while ((line = await kubectl.StandardOutput.ReadLineAsync(cts.Token)) is not null)
            {
                if (line.StartsWith("ADDED") && !line.Contains(NamespaceContent.RootCa)) break;
            }
            await cts.CancelAsync();
            Assert.NotNull(line);
            Assert.Matches(@"^ADDED\s+w\d+\s+0\s+\d+s$", line);
        }
        finally
        {
            kubectl.Kill();
        }
    }
}
