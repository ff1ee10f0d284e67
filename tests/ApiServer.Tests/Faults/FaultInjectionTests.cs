using System.Diagnostics;
using System.Net;
using k8s;
using k8s.Models;
using Tide.ApiServer.Faults;

namespace Tide.ApiServer.Tests.Faults;

public sealed class FaultInjectionTests
{
    [Fact]
    public async Task ErrorRatesApplyPerVerb_WithRetryAfterOn429()
    {
        await using var server = await ApiServerHost.StartAsync(new ApiServerOptions
        {
            SimulateWorkloads = false,
            Faults = new FaultOptions
            {
                TooManyRequestsRate = new Dictionary<string, double> { ["create"] = 1.0 },
                InternalErrorRate = new Dictionary<string, double> { ["list"] = 1.0 },
                RetryAfter = TimeSpan.FromSeconds(2),
            },
        });
        using var http = new HttpClient { BaseAddress = server.Url };
        var create = await http.PostAsync("/api/v1/namespaces/default/configmaps",
            new StringContent("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"x"}}"""));
        await StatusAssert.StatusOfAsync(create, HttpStatusCode.TooManyRequests, "TooManyRequests");
        Assert.Equal(TimeSpan.FromSeconds(2), create.Headers.RetryAfter?.Delta);
        await StatusAssert.StatusOfAsync(await http.GetAsync("/api/v1/namespaces/default/configmaps"),
            HttpStatusCode.InternalServerError, "InternalError");
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/api/v1/namespaces/default")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/apis")).StatusCode);
    }

    [Fact]
    public async Task Latency_IsAddedToResourceRequests()
    {
        await using var server = await ApiServerHost.StartAsync(new ApiServerOptions
        {
            SimulateWorkloads = false,
            Faults = new FaultOptions { Latency = TimeSpan.FromMilliseconds(300) },
        });
        using var http = new HttpClient { BaseAddress = server.Url };
        var clock = Stopwatch.StartNew();
        (await http.GetAsync("/api/v1/namespaces/default")).EnsureSuccessStatusCode();
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(290), clock.Elapsed.ToString());
    }

    [Fact]
    public async Task FaultsChangeWhileRunning_HeldRequestsGoOn_DroppedConnectionsGetNoAnswer()
    {
        await using var server = await ApiServerHost.StartAsync(new ApiServerOptions { SimulateWorkloads = false });
        using var http = new HttpClient { BaseAddress = server.Url };

        server.Faults = new FaultOptions { Latency = TimeSpan.FromHours(1) };
        var held = http.GetAsync("/api/v1/namespaces/default");
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/apis")).StatusCode);
        Assert.False(held.IsCompleted);
        server.Faults = new FaultOptions { ConnectionDropRate = new Dictionary<string, double> { ["list"] = 1.0 } };
        Assert.Equal(HttpStatusCode.OK, (await held).StatusCode);

        await Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync("/api/v1/namespaces/default/configmaps"));
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/api/v1/namespaces/default")).StatusCode);
        server.Faults = FaultOptions.None;
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/api/v1/namespaces/default/configmaps")).StatusCode);
    }

    [Fact]
    public async Task Watches_CloseAfterNEvents()
    {
        await using var server = await ApiServerHost.StartAsync(new ApiServerOptions
        {
            SimulateWorkloads = false,
            Faults = new FaultOptions { WatchCloseAfterEvents = 2 },
        });
        using var http = new HttpClient { BaseAddress = server.Url };
        var client = new Kubernetes(new KubernetesClientConfiguration { Host = server.Url.ToString() });
        for (var i = 0; i < 4; i++)
        {
            await client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new() { Name = $"c{i}" } }, "default");
        }
        await using var watch = await WatchReader.OpenAsync(http, "/api/v1/namespaces/default/configmaps?watch=1");
        Assert.NotNull(await watch.NextAsync());
        Assert.NotNull(await watch.NextAsync());
        Assert.Null(await watch.NextAsync());
    }

    [Fact]
    public async Task Watches_CloseAfterADuration()
    {
        await using var server = await ApiServerHost.StartAsync(new ApiServerOptions
        {
            SimulateWorkloads = false,
            Faults = new FaultOptions { WatchCloseAfter = TimeSpan.FromMilliseconds(500) },
        });
        using var http = new HttpClient { BaseAddress = server.Url };
        var clock = Stopwatch.StartNew();
        await using var watch = await WatchReader.OpenAsync(http, "/api/v1/namespaces/default/configmaps?watch=1&resourceVersion=" + server.ResourceVersion);
        Assert.Null(await watch.NextAsync(TimeSpan.FromSeconds(10)));
        Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(400), TimeSpan.FromSeconds(8));
    }
}
