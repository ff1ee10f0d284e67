using Tide.Engine.Canaries;
using Akka.Configuration;
using Tide.Engine.Artifacts;
using Tide.Engine.Sources;
using Tide.Engine.Kube;
using Tide.Engine.Notifications.Providers;

namespace Tide.Actors.Cluster;

/// <summary>The <c>tide</c> section of the HOCON configuration.</summary>
public sealed record TideSettings
{
    public string FieldManager { get; init; } = "tide";
    public TimeSpan RelistInterval { get; init; } = TimeSpan.FromMinutes(5);
    public double Jitter { get; init; } = 0.1;
    public TimeSpan BackoffMin { get; init; } = TimeSpan.FromSeconds(2);
    public TimeSpan BackoffMax { get; init; } = TimeSpan.FromMinutes(15);
    public TimeSpan RequeueDependency { get; init; } = TimeSpan.FromSeconds(30);
    public string ArtifactsDirectory { get; init; } = ".tide/artifacts";
    public string ArtifactsHost { get; init; } = "127.0.0.1";
    public int ArtifactsPort { get; init; }
    public string AdvertiseUrl { get; init; } = "";
    public ArtifactRetention ArtifactRetention { get; init; } = ArtifactRetention.Default;
    public UnpackLimits UnpackLimits { get; init; } = UnpackLimits.Default;
    public string WebhooksHost { get; init; } = "127.0.0.1";
    public int WebhooksPort { get; init; } = 9292;
    public string MetricsHost { get; init; } = "127.0.0.1";
    public int MetricsPort { get; init; } = 8080;
    /// <summary>Whether the node serves the web UI (tide.ui.enabled).</summary>
    public bool UiEnabled { get; init; } = true;
    public string UiHost { get; init; } = "127.0.0.1";
    public int UiPort { get; init; } = 9001;
    /// <summary>Whether the UI's actions run as the user whose bearer token they carry (tide.ui.impersonate).</summary>
    public bool UiImpersonate { get; init; } = true;
    public int FetchWorkers { get; init; } = 4;
    public int ApplyWorkers { get; init; } = 4;
    /// <summary>Limits on the requests to each remote cluster (tide.clusters.qps / .burst).</summary>
    public ClusterLimits RemoteClusterLimits { get; init; } = new() { Qps = 50, Burst = 300 };
    /// <summary>Concurrent reconciles per remote cluster (tide.clusters.workers).</summary>
    public int RemoteClusterWorkers { get; init; } = 4;
    public bool StrictSubstitution { get; init; }
    public bool NoCrossNamespaceRefs { get; init; }
    public string DefaultServiceAccount { get; init; } = "";
    /// <summary>Whether GitRepositories may name file:// URLs and local paths (tide.sources.allow-local).</summary>
    public bool AllowLocalSources { get; init; }
    /// <summary>Rate limiting and retries of notifications (tide.notifications).</summary>
    public NotificationOptions Notifications { get; init; } = new();

    /// <summary>URL prefixes to fetch sources from instead (tide.sources.mirrors).</summary>
    public UrlMirrors Mirrors { get; init; } = UrlMirrors.None;
    /// <summary>Canaries (tide.canary.*): the router and Prometheus of those that name none, the shortest interval.</summary>
    public CanaryReconcilerOptions Canary { get; init; } = new();

    public static TideSettings From(Config config)
    {
        var tide = config.GetConfig("tide");
        return new TideSettings
        {
            FieldManager = tide.GetString("field-manager", "tide"),
            RelistInterval = tide.GetTimeSpan("relist-interval", TimeSpan.FromMinutes(5)),
            Jitter = tide.GetDouble("jitter", 0.1),
            BackoffMin = tide.GetTimeSpan("backoff.min", TimeSpan.FromSeconds(2)),
            BackoffMax = tide.GetTimeSpan("backoff.max", TimeSpan.FromMinutes(15)),
            RequeueDependency = tide.GetTimeSpan("requeue-dependency", TimeSpan.FromSeconds(30)),
            ArtifactsDirectory = tide.GetString("artifacts.directory", ".tide/artifacts"),
            ArtifactsHost = tide.GetString("artifacts.host", "127.0.0.1"),
            ArtifactsPort = tide.GetInt("artifacts.port", 0),
            AdvertiseUrl = tide.GetString("artifacts.advertise-url", ""),
            ArtifactRetention = new ArtifactRetention(
                tide.GetInt("artifacts.retention-records", ArtifactRetention.Default.Records),
                tide.GetTimeSpan("artifacts.retention-ttl", ArtifactRetention.Default.Ttl)),
            UnpackLimits = new UnpackLimits
            {
                MaxTotalBytes = tide.GetByteSize("artifacts.unpack.max-size") ?? UnpackLimits.Default.MaxTotalBytes,
                MaxEntries = tide.GetInt("artifacts.unpack.max-files", UnpackLimits.Default.MaxEntries),
            },
            WebhooksHost = tide.GetString("webhooks.host", "127.0.0.1"),
            WebhooksPort = tide.GetInt("webhooks.port", 9292),
            MetricsHost = tide.GetString("metrics.host", "127.0.0.1"),
            MetricsPort = tide.GetInt("metrics.port", 8080),
            UiEnabled = tide.GetBoolean("ui.enabled", true),
            UiHost = tide.GetString("ui.host", "127.0.0.1"),
            UiPort = tide.GetInt("ui.port", 9001),
            UiImpersonate = tide.GetBoolean("ui.impersonate", true),
            FetchWorkers = tide.GetInt("workers.fetch", 4),
            ApplyWorkers = tide.GetInt("workers.apply", 4),
            RemoteClusterLimits = new ClusterLimits
            {
                Qps = tide.GetDouble("clusters.qps", 50),
                Burst = tide.GetInt("clusters.burst", 300),
            },
            RemoteClusterWorkers = tide.GetInt("clusters.workers", 4),
            StrictSubstitution = tide.GetBoolean("strict-substitution", false),
            NoCrossNamespaceRefs = tide.GetBoolean("no-cross-namespace-refs", false),
            DefaultServiceAccount = tide.GetString("default-service-account", ""),
            AllowLocalSources = tide.GetBoolean("sources.allow-local", false),
            Mirrors = new UrlMirrors((tide.GetValue("sources.mirrors")?.GetArray() ?? [])
                .Select(rule => rule.GetObject())
                .Select(rule => (rule.GetKey("from")?.GetString() ?? "", rule.GetKey("to")?.GetString() ?? ""))),
            Notifications = new NotificationOptions
            {
                RateLimitInterval = tide.GetTimeSpan("notifications.rate-limit-interval", TimeSpan.FromMinutes(5)),
                RetryMax = tide.GetInt("notifications.retry-max", 4),
                RetryWaitMin = tide.GetTimeSpan("notifications.retry-wait-min", TimeSpan.FromSeconds(2)),
                RetryWaitMax = tide.GetTimeSpan("notifications.retry-wait-max", TimeSpan.FromSeconds(30)),
                RedeliveryInterval = tide.GetTimeSpan("notifications.redelivery-interval", TimeSpan.FromSeconds(30)),
                NoCrossNamespaceRefs = tide.GetBoolean("no-cross-namespace-refs", false),
            },
            Canary = new CanaryReconcilerOptions
            {
                FieldManager = tide.GetString("canary.field-manager", "flagger"),
                DefaultProvider = tide.GetString("canary.default-provider", CanaryProviders.Kubernetes),
                MetricsServer = tide.GetString("canary.metrics-server", "http://prometheus:9090"),
                MinAnalysisInterval = tide.GetTimeSpan("canary.min-analysis-interval", TimeSpan.FromSeconds(10)),
            },
        };
    }
}
