using k8s.Models;

namespace Tide.Engine.Api;

/// <summary>Bucket, source.toolkit.fluxcd.io/v1: objects of an S3-compatible bucket packed into an artifact.</summary>
public sealed record Bucket
{
    public const string Group = "source.toolkit.fluxcd.io";
    public const string Version = "v1";
    public const string ApiVersionV1 = Group + "/" + Version;
    public const string KindName = "Bucket";

    /// <summary>Condition reasons source-controller defines with the Bucket API.</summary>
    public const string OperationSucceededReason = "BucketOperationSucceeded";
    public const string OperationFailedReason = "BucketOperationFailed";

    public string ApiVersion { get; init; } = ApiVersionV1;

    public string Kind { get; init; } = KindName;

    public required V1ObjectMeta Metadata { get; init; }

    public required BucketSpec Spec { get; init; }

    /// <summary>observedGeneration -1 until the first reconciliation, so kstatus sees the object in progress.</summary>
    [SchemaDefault("{\"observedGeneration\":-1}")]
    public BucketStatus? Status { get; init; }
}
