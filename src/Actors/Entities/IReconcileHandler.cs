using Tide.Engine.Artifacts;
using System.Text.Json.Nodes;

namespace Tide.Actors.Entities;

/// <summary>
/// The work behind an entity: reconcile the object (its JSON as last seen), write its status, and say what happened.
/// Consumers get the artifact of their source (null when none is known yet). Implementations wrap Engine reconcilers.
/// Every call gets the entity's cancellation token, cancelled when the object is deleted, gets a new generation, or
/// (consumers) its source a new revision: the work is then stale and stops.
/// </summary>
public interface IReconcileHandler
{
    Task<ReconcileOutcome> ReconcileAsync(JsonObject obj, ArtifactLocation? artifact, CancellationToken ct);

    /// <summary>One round of the health checks of what the last reconcile applied (wait started at
    /// <paramref name="waitStarted"/>); writes the status.</summary>
    Task<ReconcileOutcome> CheckHealthAsync(JsonObject obj, DateTimeOffset waitStarted, CancellationToken ct) =>
        Task.FromResult(new ReconcileOutcome(true, null));

    /// <summary>The object is being deleted (deletionTimestamp set): clean up and remove this controller's finalizer.
    /// Returns null when done, or when to look again (what it deleted is still terminating): one round per call, so
    /// nothing is held while waiting.</summary>
    Task<TimeSpan?> FinalizeAsync(JsonObject obj, CancellationToken ct) => Task.FromResult<TimeSpan?>(null);

    /// <summary>The object was deleted: release what this node holds for it (artifacts, caches).</summary>
    Task ForgetAsync(JsonObject lastSeen, CancellationToken ct) => Task.CompletedTask;
}
