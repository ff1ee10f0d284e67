namespace Tide.Engine.Api;

/// <summary>Kustomize patches and images applied to the rendered manifests.</summary>
public sealed record KustomizePostRenderer
{
    public IReadOnlyList<KustomizePatch>? Patches { get; init; }

    public IReadOnlyList<KustomizeImage>? Images { get; init; }
}
