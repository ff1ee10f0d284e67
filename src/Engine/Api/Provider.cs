using k8s.Models;

namespace Tide.Engine.Api;

/// <summary>Provider, notification.toolkit.fluxcd.io/v1beta3: where and how notifications are sent. A static object,
/// as in Flux: it has no status.</summary>
public sealed record Provider
{
    public const string ApiVersionV1Beta3 = Alert.ApiVersionV1Beta3;
    public const string KindName = "Provider";

    public string ApiVersion { get; init; } = ApiVersionV1Beta3;

    public string Kind { get; init; } = KindName;

    public required V1ObjectMeta Metadata { get; init; }

    public required ProviderSpec Spec { get; init; }
}
