using k8s.Models;

namespace Tide.Engine.Api;

/// <summary>Alert, notification.toolkit.fluxcd.io/v1beta3: which events of which objects go to a Provider. A static
/// object, as in Flux: it has no status; dispatch failures are Warning events on the Alert.</summary>
public sealed record Alert
{
    public const string Group = "notification.toolkit.fluxcd.io";
    public const string Version = "v1beta3";
    public const string ApiVersionV1Beta3 = Group + "/" + Version;
    public const string KindName = "Alert";

    public string ApiVersion { get; init; } = ApiVersionV1Beta3;

    public string Kind { get; init; } = KindName;

    public required V1ObjectMeta Metadata { get; init; }

    public required AlertSpec Spec { get; init; }
}
