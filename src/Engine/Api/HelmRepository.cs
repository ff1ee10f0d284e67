using k8s.Models;

namespace Tide.Engine.Api;

/// <summary>HelmRepository, source.toolkit.fluxcd.io/v1: a Helm chart repository (an index.yaml over HTTP/S, or an
/// OCI registry) that HelmCharts pull charts from.</summary>
public sealed record HelmRepository
{
    public const string Group = "source.toolkit.fluxcd.io";
    public const string Version = "v1";
    public const string ApiVersionV1 = Group + "/" + Version;
    public const string KindName = "HelmRepository";

    /// <summary>spec.type of an index.yaml repository (the default) and of an OCI registry.</summary>
    public const string TypeDefault = "default";
    public const string TypeOci = "oci";

    /// <summary>Condition reasons source-controller defines with the HelmRepository API.</summary>
    public const string IndexationFailedReason = "IndexationFailed";
    public const string IndexationSucceededReason = "IndexationSucceeded";

    public string ApiVersion { get; init; } = ApiVersionV1;

    public string Kind { get; init; } = KindName;

    public required V1ObjectMeta Metadata { get; init; }

    public required HelmRepositorySpec Spec { get; init; }

    /// <summary>observedGeneration -1 until the first reconciliation, so kstatus sees the object in progress.</summary>
    [SchemaDefault("{\"observedGeneration\":-1}")]
    public HelmRepositoryStatus? Status { get; init; }
}
