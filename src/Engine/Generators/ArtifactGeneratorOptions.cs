using Tide.Engine.Reconcilers;

namespace Tide.Engine.Generators;

/// <summary>Settings of the ArtifactGenerator reconciler (source-watcher's flags where it has them).</summary>
public sealed record ArtifactGeneratorOptions
{
    /// <summary>Store, artifact URLs, retention, work directory and unpack limits: as the sources'.</summary>
    public required SourceReconcilerOptions Sources { get; init; }

    /// <summary>Field manager of the ExternalArtifacts' server-side applies.</summary>
    public string FieldManager { get; init; } = "tide";

    /// <summary>Refuse sources in other namespaces (--no-cross-namespace-refs).</summary>
    public bool NoCrossNamespaceRefs { get; init; }

    /// <summary>How soon a generator whose sources are missing or have no artifact looks again (--requeue-dependency).</summary>
    public TimeSpan DependencyRequeueInterval { get; init; } = TimeSpan.FromSeconds(30);
}
