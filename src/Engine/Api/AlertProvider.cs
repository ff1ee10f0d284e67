using k8s.Models;

namespace Tide.Engine.Api;

/// <summary>AlertProvider, flagger.app/v1beta1: where a Canary's alerts are posted.</summary>
public sealed record AlertProvider
{
    public const string KindName = "AlertProvider";

    public string ApiVersion { get; init; } = Canary.ApiVersionV1Beta1;

    public string Kind { get; init; } = KindName;

    public required V1ObjectMeta Metadata { get; init; }

    public required AlertProviderSpec Spec { get; init; }
}
