using k8s.Models;

namespace Tide.Engine.Api;

/// <summary>Kustomization, kustomize.toolkit.fluxcd.io/v1: build a path of a source artifact and apply it.</summary>
public sealed record Kustomization
{
    public const string Group = "kustomize.toolkit.fluxcd.io";
    public const string Version = "v1";
    public const string ApiVersionV1 = Group + "/" + Version;
    public const string KindName = "Kustomization";

    public string ApiVersion { get; init; } = ApiVersionV1;

    public string Kind { get; init; } = KindName;

    public required V1ObjectMeta Metadata { get; init; }

    public required KustomizationSpec Spec { get; init; }

    /// <summary>observedGeneration -1 until the first reconciliation, so kstatus sees the object in progress.</summary>
    [SchemaDefault("{\"observedGeneration\":-1}")]
    public KustomizationStatus? Status { get; init; }
}
