namespace Tide.Engine.Helm.Rendering;

/// <summary>What one `helm template` render produced, in print order: the CRDs of crds/ (with --include-crds),
/// the manifests sorted by kind, and the hooks.</summary>
public sealed record RenderedRelease(
    IReadOnlyList<ManifestSorter.Document> Crds,
    IReadOnlyList<ManifestSorter.Document> Manifests,
    IReadOnlyList<ManifestSorter.Document> Hooks);
