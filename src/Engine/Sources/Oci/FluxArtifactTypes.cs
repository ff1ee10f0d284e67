namespace Tide.Engine.Sources.Oci;

/// <summary>The media types and annotations of Flux's OCI artifacts (`flux push artifact`, fluxcd/pkg oci).</summary>
public static class FluxArtifactTypes
{
    public const string ConfigMediaType = "application/vnd.cncf.flux.config.v1+json";
    public const string ContentMediaType = "application/vnd.cncf.flux.content.v1.tar+gzip";
    public const string ManifestMediaType = "application/vnd.oci.image.manifest.v1+json";
    public const string DockerManifestMediaType = "application/vnd.docker.distribution.manifest.v2+json";

    public const string SourceAnnotation = "org.opencontainers.image.source";
    public const string RevisionAnnotation = "org.opencontainers.image.revision";
    public const string CreatedAnnotation = "org.opencontainers.image.created";
}
