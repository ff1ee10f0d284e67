using k8s;
using k8s.Models;

namespace Tide.ApiServer.Tests.Storage;

public sealed class WatchHistoryTests
{
    [Fact]
    public async Task WatchFromExpiredResourceVersion_GetsGoneExpired()
    {
        await using var server = await ApiServerHost.StartAsync(new ApiServerOptions { WatchHistory = 5, SimulateWorkloads = false });
        using var http = new HttpClient { BaseAddress = server.Url };
        var client = new Kubernetes(new KubernetesClientConfiguration { Host = server.Url.ToString() });
        var old = server.ResourceVersion;
        for (var i = 0; i < 10; i++)
        {
            await client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new() { Name = $"c{i}" } }, "default");
        }
        await using var watch = await WatchReader.OpenAsync(http, $"/api/v1/namespaces/default/configmaps?watch=1&resourceVersion={old}");
        var error = (await watch.NextAsync())!;
        Assert.Equal("ERROR", error["type"]!.GetValue<string>());
        Assert.Equal(410, error["object"]!["code"]!.GetValue<int>());
        Assert.Equal("Expired", error["object"]!["reason"]!.GetValue<string>());

        // A version still retained works.
        var recent = server.ResourceVersion - 2;
        await using var ok = await WatchReader.OpenAsync(http, $"/api/v1/namespaces/default/configmaps?watch=1&resourceVersion={recent}");
        Assert.Equal("ADDED", (await ok.NextAsync())!["type"]!.GetValue<string>());
    }
}
