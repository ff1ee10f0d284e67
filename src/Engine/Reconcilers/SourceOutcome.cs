using Tide.Engine.Api;

namespace Tide.Engine.Reconcilers;

/// <summary>What <see cref="SourcePipeline"/> decided for a source: its conditions, events and next run, and on success
/// the artifact it serves (with its URL on this node).</summary>
internal sealed record SourceOutcome(IReadOnlyList<Condition> Conditions, IReadOnlyList<ReconcileEvent> Events, Requeue Requeue)
{
    /// <summary>The artifact served; null when the reconcile failed (the status keeps the previous one).</summary>
    public Artifact? Artifact { get; init; }

    /// <summary>Whether a new artifact was built this time (the kind then records the settings it was built with).</summary>
    public bool Rebuilt { get; init; }

    /// <summary>Whether this generation was handled to the end (success, or a configuration error): status.observedGeneration moves.</summary>
    public bool Observed { get; init; }
}
