using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Tide.Actors.Entities;
using Tide.Engine.Artifacts;

namespace Tide.Actors.Tests.Entities;

/// <summary>A reconcile handler whose work the test writes (it may wait, honour or ignore cancellation, return a
/// written object); records each call with the object and token it got.</summary>
public sealed class ScriptedHandler(Func<JsonObject, ArtifactLocation?, CancellationToken, Task<ReconcileOutcome>> reconcile,
    Func<JsonObject, CancellationToken, Task<TimeSpan?>>? finalize = null) : IReconcileHandler
{
    public ConcurrentQueue<(JsonObject Object, ArtifactLocation? Artifact, CancellationToken Token)> Calls { get; } = new();

    public ConcurrentQueue<(JsonObject Object, CancellationToken Token)> Finalized { get; } = new();

    public Task<ReconcileOutcome> ReconcileAsync(JsonObject obj, ArtifactLocation? artifact, CancellationToken ct)
    {
        Calls.Enqueue((obj, artifact, ct));
        return reconcile(obj, artifact, ct);
    }

    public Task<TimeSpan?> FinalizeAsync(JsonObject obj, CancellationToken ct)
    {
        Finalized.Enqueue((obj, ct));
        return finalize?.Invoke(obj, ct) ?? Task.FromResult<TimeSpan?>(null);
    }
}
