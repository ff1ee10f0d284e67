using Tide.Engine.Artifacts;
namespace Tide.Actors.Sharding;

/// <summary>The object changed: the watcher saw this resourceVersion (null: unknown). Starts the entity if it is not
/// running; the entity reads the object itself unless it holds this version or a newer one. It carries no object: a
/// Kustomization with thousands of inventory entries exceeds Akka's frame size, and messages between nodes carry ids
/// and versions only.</summary>
public sealed record ObjectChanged(string EntityId, string? ResourceVersion) : IEntityMessage;

/// <summary>The object is gone: the entity stops.</summary>
public sealed record ObjectDeleted(string EntityId) : IEntityMessage;

/// <summary>Asks a source entity for its artifacts: it answers at once with its current one, then on every change.</summary>
public sealed record Subscribe(string EntityId, string SubscriberId) : IEntityMessage;

/// <summary>A subscriber no longer wants a source's artifacts (its sourceRef changed or it was deleted).</summary>
public sealed record Unsubscribe(string EntityId, string SubscriberId) : IEntityMessage;

/// <summary>A source produced a new artifact; sent to each subscriber through its shard region.</summary>
public sealed record ArtifactChanged(string EntityId, string SourceId, ArtifactLocation Artifact) : IEntityMessage;

/// <summary>Someone changed or deleted an object this Kustomization applied: reconcile now to revert it. Fingerprint:
/// the object's <see cref="Tide.Engine.Kube.ObjectFingerprint"/> now, empty when it was deleted.</summary>
public sealed record DriftDetected(string EntityId, string Object, string Fingerprint) : IEntityMessage;

/// <summary>A dependent (dependsOn) asks a Kustomization to tell it whenever it becomes ready.</summary>
public sealed record WatchReadiness(string EntityId, string SubscriberId) : IEntityMessage;

/// <summary>A dependency became ready (or applied a new revision): the dependent reconciles now instead of polling.</summary>
public sealed record DependencyReady(string EntityId, string DependencyId) : IEntityMessage;

/// <summary>Something the entity produced was changed or deleted by someone else (an ExternalArtifact of a generator):
/// reconcile now, so that its drift detection restores it.</summary>
public sealed record ReconcileRequested(string EntityId, string Reason) : IEntityMessage;
