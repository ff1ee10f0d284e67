namespace Tide.Engine.Api;

/// <summary>Flux's notification CrossNamespaceObjectReference: a resource a Receiver reconciles, or whose events an
/// Alert sends; one by name, or every one matching labels with name '*'.</summary>
public sealed record ReceiverResourceReference
{
    public string? ApiVersion { get; init; }

    [SchemaEnum("Bucket", "GitRepository", "Kustomization", "HelmRelease", "HelmChart", "HelmRepository",
        "ImageRepository", "ImagePolicy", "ImageUpdateAutomation", "OCIRepository", "ArtifactGenerator", "ExternalArtifact")]
    public required string Kind { get; init; }

    /// <summary>The name, or '*' for every resource of the kind matching <see cref="MatchLabels"/>.</summary>
    public required string Name { get; init; }

    /// <summary>The namespace; the Receiver's when not set.</summary>
    public string? Namespace { get; init; }

    public IReadOnlyDictionary<string, string>? MatchLabels { get; init; }
}
