using k8s.Models;

namespace Tide.Engine.Api;

/// <summary>HelmRelease, helm.toolkit.fluxcd.io/v2: a Helm release of a chart, kept as the spec declares it.</summary>
public sealed record HelmRelease
{
    public const string Group = "helm.toolkit.fluxcd.io";
    public const string Version = "v2";
    public const string ApiVersionV2 = Group + "/" + Version;
    public const string KindName = "HelmRelease";

    public string ApiVersion { get; init; } = ApiVersionV2;

    public string Kind { get; init; } = KindName;

    public required V1ObjectMeta Metadata { get; init; }

    public required HelmReleaseSpec Spec { get; init; }

    /// <summary>observedGeneration -1 until the first reconciliation, so kstatus sees the object in progress.</summary>
    [SchemaDefault("{\"observedGeneration\":-1}")]
    public HelmReleaseStatus? Status { get; init; }
}
