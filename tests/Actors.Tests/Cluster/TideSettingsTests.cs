using Tide.Actors.Cluster;
using Tide.Engine.Artifacts;
using Tide.Engine.Kube;

namespace Tide.Actors.Tests.Cluster;

public sealed class TideSettingsTests
{
    [Fact]
    public void Mirrors_NoneByDefault_LongestPrefixWins()
    {
        Assert.True(TideSettings.From(TideConfig.Load(path: null)).Mirrors.IsEmpty);

        var mirrors = TideSettings.From(TideConfig.Load(path: null, overrides: """
            tide.sources.mirrors = [
              { from = "https://github.com/", to = "http://127.0.0.1:8080/all/" }
              { from = "https://github.com/fluxcd/", to = "http://127.0.0.1:8080/flux/" }
            ]
            """)).Mirrors;

        Assert.Equal("http://127.0.0.1:8080/flux/flux2-multi-tenancy", mirrors.Apply("https://github.com/fluxcd/flux2-multi-tenancy"));
        Assert.Equal("http://127.0.0.1:8080/all/stefanprodan/podinfo", mirrors.Apply("https://github.com/stefanprodan/podinfo"));
        Assert.Equal("https://ghcr.io/v2/", mirrors.Apply("https://ghcr.io/v2/"));
    }

    [Fact]
    public void Defaults_RetainArtifactsLikeFlux()
    {
        var settings = TideSettings.From(TideConfig.Load(path: null));

        Assert.Equal(ArtifactRetention.Default, settings.ArtifactRetention);
        Assert.Equal(new ArtifactRetention(2, TimeSpan.FromSeconds(60)), settings.ArtifactRetention);
        Assert.Equal(UnpackLimits.Default, settings.UnpackLimits);
        Assert.Equal(100L * 1024 * 1024, settings.UnpackLimits.MaxTotalBytes);
    }

    [Fact]
    public void WebhooksAndMetrics_DefaultToFluxsPorts_OnLoopback_AndAreReadFromTheConfiguration()
    {
        var defaults = TideSettings.From(TideConfig.Load(path: null));
        Assert.Equal(("127.0.0.1", 9292), (defaults.WebhooksHost, defaults.WebhooksPort));
        Assert.Equal(("127.0.0.1", 8080), (defaults.MetricsHost, defaults.MetricsPort));

        var settings = TideSettings.From(TideConfig.Load(path: null,
            overrides: "tide.webhooks.host = 0.0.0.0\ntide.webhooks.port = 9393\ntide.metrics.host = 0.0.0.0\ntide.metrics.port = 0"));
        Assert.Equal(("0.0.0.0", 9393), (settings.WebhooksHost, settings.WebhooksPort));
        Assert.Equal(("0.0.0.0", 0), (settings.MetricsHost, settings.MetricsPort));
    }

    [Fact]
    public void Retries_DefaultToFluxs_AndAreReadFromTheConfiguration()
    {
        var defaults = TideSettings.From(TideConfig.Load(path: null));
        Assert.Equal((TimeSpan.FromMinutes(15), TimeSpan.FromSeconds(30)), (defaults.BackoffMax, defaults.RequeueDependency));

        var settings = TideSettings.From(TideConfig.Load(path: null,
            overrides: "tide.backoff.max = 5m\ntide.requeue-dependency = 10s"));
        Assert.Equal((TimeSpan.FromMinutes(5), TimeSpan.FromSeconds(10)), (settings.BackoffMax, settings.RequeueDependency));
    }

    [Fact]
    public void RemoteClusters_DefaultToFluxsClientLimits_AndAreReadFromTheConfiguration()
    {
        var defaults = TideSettings.From(TideConfig.Load(path: null));
        Assert.Equal((new ClusterLimits { Qps = 50, Burst = 300 }, 4), (defaults.RemoteClusterLimits, defaults.RemoteClusterWorkers));

        var settings = TideSettings.From(TideConfig.Load(path: null,
            overrides: "tide.clusters.qps = 0\ntide.clusters.burst = 10\ntide.clusters.workers = 2"));
        Assert.Equal((new ClusterLimits { Qps = 0, Burst = 10 }, 2), (settings.RemoteClusterLimits, settings.RemoteClusterWorkers));
    }

    [Fact]
    public void UnpackLimits_AreReadFromTheConfiguration()
    {
        var settings = TideSettings.From(TideConfig.Load(path: null,
            overrides: "tide.artifacts.unpack.max-size = 2MiB\ntide.artifacts.unpack.max-files = 50"));

        Assert.Equal(new UnpackLimits { MaxTotalBytes = 2 * 1024 * 1024, MaxEntries = 50 }, settings.UnpackLimits);
    }

    [Fact]
    public void ArtifactRetention_IsReadFromTheConfiguration()
    {
        var settings = TideSettings.From(TideConfig.Load(path: null,
            overrides: "tide.artifacts.retention-records = 5\ntide.artifacts.retention-ttl = 10m"));

        Assert.Equal(new ArtifactRetention(5, TimeSpan.FromMinutes(10)), settings.ArtifactRetention);
    }

    [Fact]
    public void LocalSources_AreRefusedUnlessTheConfigurationAllowsThem()
    {
        Assert.False(TideSettings.From(TideConfig.Load(path: null)).AllowLocalSources);
        Assert.True(TideSettings.From(TideConfig.Load(path: null, overrides: "tide.sources.allow-local = on")).AllowLocalSources);
    }

    [Fact]
    public void Ui_IsOnWithImpersonation_OnLoopback9001_AndTheConfigurationTurnsItOff()
    {
        var defaults = TideSettings.From(TideConfig.Load(path: null));
        Assert.Equal((true, "127.0.0.1", 9001, true), (defaults.UiEnabled, defaults.UiHost, defaults.UiPort, defaults.UiImpersonate));

        var settings = TideSettings.From(TideConfig.Load(path: null,
            overrides: "tide.ui.enabled = off\ntide.ui.host = 0.0.0.0\ntide.ui.port = 0\ntide.ui.impersonate = off"));
        Assert.Equal((false, "0.0.0.0", 0, false), (settings.UiEnabled, settings.UiHost, settings.UiPort, settings.UiImpersonate));
    }
}
