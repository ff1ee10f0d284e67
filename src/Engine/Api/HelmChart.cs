using k8s.Models;

namespace Tide.Engine.Api;

/// <summary>HelmChart, source.toolkit.fluxcd.io/v1: one chart from a HelmRepository, GitRepository or Bucket, packaged
/// as a .tgz artifact.</summary>
public sealed record HelmChart
{
    public const string Group = "source.toolkit.fluxcd.io";
    public const string Version = "v1";
    public const string ApiVersionV1 = Group + "/" + Version;
    public const string KindName = "HelmChart";

    /// <summary>spec.reconcileStrategy values.</summary>
    public const string StrategyChartVersion = "ChartVersion";
    public const string StrategyRevision = "Revision";

    /// <summary>Condition reasons source-controller defines with the HelmChart API.</summary>
    public const string ChartPullFailedReason = "ChartPullFailed";
    public const string ChartPullSucceededReason = "ChartPullSucceeded";
    public const string ChartPackageFailedReason = "ChartPackageFailed";
    public const string ChartPackageSucceededReason = "ChartPackageSucceeded";

    public string ApiVersion { get; init; } = ApiVersionV1;

    public string Kind { get; init; } = KindName;

    public required V1ObjectMeta Metadata { get; init; }

    public required HelmChartSpec Spec { get; init; }

    /// <summary>observedGeneration -1 until the first reconciliation, so kstatus sees the object in progress.</summary>
    [SchemaDefault("{\"observedGeneration\":-1}")]
    public HelmChartStatus? Status { get; init; }
}
