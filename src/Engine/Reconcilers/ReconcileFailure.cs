namespace Tide.Engine.Reconcilers;

/// <summary>
/// A phase of a reconcile failed: the Flux reason it maps to (BuildFailed, ArtifactFailed, ...) and a message a user can
/// act on. <see cref="Terminal"/> failures are configuration errors: Stalled, no retry until the object changes.
/// </summary>
public sealed class ReconcileFailure(string reason, string message, bool terminal = false, Exception? inner = null)
    : Exception(message, inner)
{
    public string Reason { get; } = reason;
    public bool Terminal { get; } = terminal;

    /// <summary>A wait on something else (a dependency not ready, a source without an artifact yet): retried after
    /// the controller's dependency requeue interval (Flux's --requeue-dependency), not the object's retryInterval.</summary>
    public bool WaitsOnDependency { get; init; }
}
