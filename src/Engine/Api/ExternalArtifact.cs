using k8s.Models;

namespace Tide.Engine.Api;

/// <summary>ExternalArtifact, source.toolkit.fluxcd.io/v1: an artifact made outside source-controller (by an
/// ArtifactGenerator), which Kustomizations and HelmReleases consume like any source's. Nothing reconciles it: its
/// producer writes its status.</summary>
public sealed record ExternalArtifact
{
    public const string Group = "source.toolkit.fluxcd.io";
    public const string Version = "v1";
    public const string ApiVersionV1 = Group + "/" + Version;
    public const string KindName = "ExternalArtifact";

    public string ApiVersion { get; init; } = ApiVersionV1;

    public string Kind { get; init; } = KindName;

    public required V1ObjectMeta Metadata { get; init; }

    public ExternalArtifactSpec? Spec { get; init; }

    public ExternalArtifactStatus? Status { get; init; }
}
