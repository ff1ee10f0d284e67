namespace Tide.Engine.Api;

/// <summary>The source a Kustomization builds from.</summary>
public sealed record CrossNamespaceSourceReference
{
    public string? ApiVersion { get; init; }

    /// <summary>The source kinds Tide serves; a Kustomization naming another is refused with a message, not left
    /// waiting for an artifact.</summary>
    public static IReadOnlyList<string> ServedKinds { get; } =
        [GitRepository.KindName, OciRepository.KindName, Bucket.KindName, ExternalArtifact.KindName];

    [SchemaEnum("OCIRepository", "GitRepository", "Bucket", "ExternalArtifact")]
    public required string Kind { get; init; }

    public required string Name { get; init; }

    /// <summary>The Kustomization's namespace when not set.</summary>
    public string? Namespace { get; init; }

    public override string ToString() => Namespace is { Length: > 0 } ns ? $"{Kind}/{ns}/{Name}" : $"{Kind}/{Name}";
}
