using System.Text;
using Microsoft.Extensions.Time.Testing;
using Tide.ApiServer;
using Tide.Engine.Kube;
using Tide.Testing;

namespace Tide.Engine.Tests.Kube;

public sealed class RemoteClustersTests
{
    [Fact]
    public async Task OneClientPerKubeconfig_KeptWhileUsed_GoneOnceIdle()
    {
        await using var first = await ApiServerHost.StartAsync(new ApiServerOptions { SimulateWorkloads = false });
        await using var second = await ApiServerHost.StartAsync(new ApiServerOptions { SimulateWorkloads = false });
        using var dir = new TempDirectory();
        var firstConfig = await File.ReadAllBytesAsync(first.WriteKubeconfig(dir.Combine("first")));
        var secondConfig = await File.ReadAllBytesAsync(second.WriteKubeconfig(dir.Combine("second")));
        var time = new FakeTimeProvider();
        using var clusters = new RemoteClusters(new ClusterLimits { Qps = 100, Burst = 10 }, time);

        var a = await clusters.OpenAsync(firstConfig, CancellationToken.None);
        var again = await clusters.OpenAsync(firstConfig.ToArray(), CancellationToken.None);
        using var other = await clusters.OpenAsync(secondConfig, CancellationToken.None);
        Assert.Same(a.Client, again.Client);
        Assert.NotSame(a.Client, other.Client);
        Assert.Equal(first.Url.ToString().TrimEnd('/'), a.Server.TrimEnd('/'));
        Assert.NotNull(await other.Client.GetAsync(new ObjectRef("v1", "Namespace", "", "default"), CancellationToken.None));

        // Released by both users and idle past the timeout: the next open drops it (the one in use stays).
        a.Dispose();
        again.Dispose();
        a.Dispose();
        time.Advance(RemoteClusters.IdleTimeout + TimeSpan.FromSeconds(1));
        using var third = await clusters.OpenAsync(Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(secondConfig) + "\n"), CancellationToken.None);
        Assert.Equal(2, clusters.Count);
        Assert.NotNull(await other.Client.GetAsync(new ObjectRef("v1", "Namespace", "", "default"), CancellationToken.None));
    }
}
