namespace Tide.Engine.Api;

/// <summary>An object this one waits for (a Kustomization for a Kustomization, a HelmRelease for a HelmRelease, unless
/// <see cref="Kind"/> names the other), with an optional CEL readiness expression.</summary>
public sealed record DependencyReference
{
    public required string Name { get; init; }

    public string? Namespace { get; init; }

    public string? ReadyExpr { get; init; }

    /// <summary>Beyond Flux: the dependency's kind, so a HelmRelease can wait for a Kustomization and a Kustomization
    /// for a HelmRelease; the depending object's own kind when not set.</summary>
    [SchemaEnum(Kustomization.KindName, HelmRelease.KindName)]
    public string? Kind { get; init; }
}
