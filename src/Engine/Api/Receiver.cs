using k8s.Models;

namespace Tide.Engine.Api;

/// <summary>Receiver, notification.toolkit.fluxcd.io/v1: a webhook that asks for the reconciliation of resources.</summary>
public sealed record Receiver
{
    public const string Group = "notification.toolkit.fluxcd.io";
    public const string Version = "v1";
    public const string ApiVersionV1 = Group + "/" + Version;
    public const string KindName = "Receiver";

    public string ApiVersion { get; init; } = ApiVersionV1;

    public string Kind { get; init; } = KindName;

    public required V1ObjectMeta Metadata { get; init; }

    public required ReceiverSpec Spec { get; init; }

    [SchemaDefault("{\"observedGeneration\":-1}")]
    public ReceiverStatus? Status { get; init; }
}
