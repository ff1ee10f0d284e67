namespace Tide.Engine.Reconcilers;

/// <summary>Settings of the GitRepository reconciler.</summary>
public sealed record GitRepositoryReconcilerOptions
{
    /// <summary>Where this node serves its artifact store, e.g. "http://10.0.0.5:9090"; artifact URLs are this plus
    /// the artifact's path.</summary>
    public required string ArtifactBaseUrl { get; init; }

    /// <summary>How many artifacts to keep per source (Flux keeps 2 by default).</summary>
    public int ArtifactRetention { get; init; } = 2;

    /// <summary>Where commits are exported before packing; the system temp directory when null.</summary>
    public string? WorkDirectory { get; init; }
}
