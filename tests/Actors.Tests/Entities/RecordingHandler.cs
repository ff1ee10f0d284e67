using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Tide.Actors.Entities;
using Tide.Engine.Artifacts;

namespace Tide.Actors.Tests.Entities;

/// <summary>A reconcile handler for protocol tests: records each call and answers with the outcome the test chose.</summary>
public sealed class RecordingHandler(Func<int, ReconcileOutcome> outcome) : IReconcileHandler
{
    public ConcurrentQueue<(DateTimeOffset At, JsonObject Object, ArtifactLocation? Artifact)> Calls { get; } = new();

    public ConcurrentQueue<JsonObject> Forgotten { get; } = new();

    public Task ForgetAsync(JsonObject lastSeen, CancellationToken ct)
    {
        Forgotten.Enqueue(lastSeen);
        return Task.CompletedTask;
    }

    public Task<ReconcileOutcome> ReconcileAsync(JsonObject obj, ArtifactLocation? artifact, CancellationToken ct)
    {
        Calls.Enqueue((DateTimeOffset.UtcNow, obj, artifact));
        return Task.FromResult(outcome(Calls.Count));
    }
}
