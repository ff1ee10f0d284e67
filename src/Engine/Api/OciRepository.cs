using k8s.Models;

namespace Tide.Engine.Api;

/// <summary>OCIRepository, source.toolkit.fluxcd.io/v1: an OCI artifact whose layer becomes an artifact.</summary>
public sealed record OciRepository
{
    public const string Group = "source.toolkit.fluxcd.io";
    public const string Version = "v1";
    public const string ApiVersionV1 = Group + "/" + Version;
    public const string KindName = "OCIRepository";

    /// <summary>Condition reasons source-controller defines with the OCIRepository API.</summary>
    public const string PullFailedReason = "OCIArtifactPullFailed";
    public const string LayerOperationFailedReason = "OCIArtifactLayerOperationFailed";

    public string ApiVersion { get; init; } = ApiVersionV1;

    public string Kind { get; init; } = KindName;

    public required V1ObjectMeta Metadata { get; init; }

    public required OciRepositorySpec Spec { get; init; }

    /// <summary>observedGeneration -1 until the first reconciliation, so kstatus sees the object in progress.</summary>
    [SchemaDefault("{\"observedGeneration\":-1}")]
    public OciRepositoryStatus? Status { get; init; }
}
