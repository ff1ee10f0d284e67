using System.Text.Json.Nodes;

namespace Tide.Engine.Api;

/// <summary>Which chart to release, with which values, where, and how to install, upgrade, test and remediate.</summary>
public sealed record HelmReleaseSpec
{
    /// <summary>A HelmChart template: the controller creates and owns the HelmChart it describes.</summary>
    public HelmChartTemplate? Chart { get; init; }

    /// <summary>An existing chart source (HelmChart or OCIRepository); exclusive with chart.</summary>
    public HelmChartReference? ChartRef { get; init; }

    [SchemaPattern("^([0-9]+(\\.[0-9]+)?(ms|s|m|h))+$")]
    public required GoDuration Interval { get; init; }

    /// <summary>Install and manage the release on a remote cluster.</summary>
    public KubeConfigReference? KubeConfig { get; init; }

    public bool? Suspend { get; init; }

    /// <summary>The Helm release name; '[targetNamespace-]name' when not set (hashed when over 53 characters).</summary>
    [SchemaLength(1, 53)]
    public string? ReleaseName { get; init; }

    /// <summary>The namespace the release's objects go to; the HelmRelease's namespace when not set.</summary>
    [SchemaLength(1, 63)]
    public string? TargetNamespace { get; init; }

    /// <summary>The namespace of the release's storage Secrets; the HelmRelease's namespace when not set.</summary>
    [SchemaLength(1, 63)]
    public string? StorageNamespace { get; init; }

    /// <summary>HelmReleases that must be ready before this one is reconciled.</summary>
    public IReadOnlyList<DependencyReference>? DependsOn { get; init; }

    /// <summary>Timeout of each Helm action (hooks, waiting for readiness); 5m when not set.</summary>
    [SchemaPattern("^([0-9]+(\\.[0-9]+)?(ms|s|m|h))+$")]
    public GoDuration? Timeout { get; init; }

    /// <summary>Release revisions kept in storage; 5 when not set, 0 for no limit.</summary>
    public int? MaxHistory { get; init; }

    /// <summary>The ServiceAccount (in the HelmRelease's namespace) whose rights the release is made with.</summary>
    [SchemaLength(1, 253)]
    public string? ServiceAccountName { get; init; }

    public bool? PersistentClient { get; init; }

    public DriftDetection? DriftDetection { get; init; }

    public InstallOptions? Install { get; init; }

    public UpgradeOptions? Upgrade { get; init; }

    public TestOptions? Test { get; init; }

    public RollbackOptions? Rollback { get; init; }

    public UninstallOptions? Uninstall { get; init; }

    /// <summary>ConfigMaps and Secrets whose values are merged, in order, before spec.values.</summary>
    public IReadOnlyList<ValuesReference>? ValuesFrom { get; init; }

    /// <summary>Values of the release, merged last.</summary>
    public JsonObject? Values { get; init; }

    /// <summary>Transformations of the rendered manifests, applied in order.</summary>
    public IReadOnlyList<PostRenderer>? PostRenderers { get; init; }

    /// <summary>Labels and annotations added to every object of the release.</summary>
    public CommonMetadata? CommonMetadata { get; init; }

    public IReadOnlyList<CustomHealthCheck>? HealthCheckExprs { get; init; }

    public WaitStrategy? WaitStrategy { get; init; }

    /// <summary>The timeout of actions, with Flux's default of 5m.</summary>
    public TimeSpan GetTimeout() => Timeout?.Value ?? TimeSpan.FromMinutes(5);

    /// <summary>The kept history, with Flux's default of 5.</summary>
    public int GetMaxHistory() => MaxHistory ?? 5;
}
