namespace Tide.Engine.Api;

/// <summary>One transformation of the rendered manifests.</summary>
public sealed record PostRenderer
{
    public KustomizePostRenderer? Kustomize { get; init; }
}
