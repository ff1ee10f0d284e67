namespace Tide.Engine.Artifacts;

/// <summary>The object whose artifacts a directory of the store holds, e.g. GitRepository flux-system/podinfo.</summary>
public sealed record ArtifactOwner(string Kind, string Namespace, string Name)
{
    /// <summary>"gitrepository/flux-system/podinfo", as Flux lays out its storage.</summary>
    public string Directory => $"{Kind.ToLowerInvariant()}/{Namespace}/{Name}";

    public override string ToString() => $"{Kind}/{Namespace}/{Name}";
}
