using k8s.Models;

namespace Tide.Engine.Api;

/// <summary>Canary, flagger.app/v1beta1: progressive delivery of a Deployment, analysed step by step and promoted or
/// rolled back on its own, as Flagger does.</summary>
public sealed record Canary
{
    public const string Group = "flagger.app";
    public const string Version = "v1beta1";
    public const string ApiVersionV1Beta1 = Group + "/" + Version;
    public const string KindName = "Canary";

    public string ApiVersion { get; init; } = ApiVersionV1Beta1;

    public string Kind { get; init; } = KindName;

    public required V1ObjectMeta Metadata { get; init; }

    public required CanarySpec Spec { get; init; }

    public CanaryStatus? Status { get; init; }
}
