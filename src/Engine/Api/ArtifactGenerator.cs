using k8s.Models;

namespace Tide.Engine.Api;

/// <summary>ArtifactGenerator, source.extensions.fluxcd.io/v1beta1 (Flux's source-watcher): composes and splits the
/// artifacts of sources into ExternalArtifacts by copy rules.</summary>
public sealed record ArtifactGenerator
{
    public const string Group = "source.extensions.fluxcd.io";
    public const string Version = "v1beta1";
    public const string ApiVersionV1Beta1 = Group + "/" + Version;
    public const string KindName = "ArtifactGenerator";

    /// <summary>source-watcher's finalizer, which deletes the generated ExternalArtifacts.</summary>
    public const string Finalizer = "source.extensions.fluxcd.io/finalizer";

    /// <summary>Label on every generated ExternalArtifact: the generator's UID.</summary>
    public const string GeneratorLabel = "source.extensions.fluxcd.io/generator";

    /// <summary>Annotation that disables reconciliation when "disabled".</summary>
    public const string ReconcileAnnotation = "source.extensions.fluxcd.io/reconcile";

    /// <summary>Artifact metadata key of originRevision.</summary>
    public const string OriginRevisionAnnotation = "org.opencontainers.image.revision";

    public const string ReconciliationDisabledReason = "ReconciliationDisabled";
    public const string AccessDeniedReason = "AccessDenied";
    public const string ValidationFailedReason = "ValidationFailed";
    public const string SourceFetchFailedReason = "SourceFetchFailed";

    public string ApiVersion { get; init; } = ApiVersionV1Beta1;

    public string Kind { get; init; } = KindName;

    public required V1ObjectMeta Metadata { get; init; }

    public required ArtifactGeneratorSpec Spec { get; init; }

    public ArtifactGeneratorStatus? Status { get; init; }

    public bool IsDisabled =>
        Metadata.Annotations?.TryGetValue(ReconcileAnnotation, out var value) == true &&
        string.Equals(value, "disabled", StringComparison.OrdinalIgnoreCase);
}
