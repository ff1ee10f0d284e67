using System.Text.Json.Nodes;
using Akka.Actor;
using Akka.Event;
using Tide.Actors.Sharding;
using Tide.Engine.Artifacts;

namespace Tide.Actors.Entities;

/// <summary>
/// A source object (GitRepository, ...): reconciles on its interval, on spec changes and on requestedAt, and tells
/// every subscriber about a new artifact through the subscribers' shard regions. A subscriber gets the current
/// artifact as soon as it subscribes; subscribers re-subscribe on their own intervals, so the set heals after this
/// entity restarts on another node.
/// </summary>
public sealed class SourceEntity : ReconcilingEntity
{
    private readonly HashSet<string> _subscribers = new(StringComparer.Ordinal);
    private ArtifactLocation? _artifact;

    public SourceEntity(string entityId, IReconcileHandler handler, ShardRegions regions, ReconcileTiming timing,
        ObjectLoader? loader = null)
        : base(entityId, handler, regions, timing, loader)
    {
        Receive<Subscribe>(m =>
        {
            _subscribers.Add(m.SubscriberId);
            if (_artifact is not null)
                Regions.Tell(new ArtifactChanged(m.SubscriberId, EntityId, _artifact));
        });
        Receive<Unsubscribe>(m => _subscribers.Remove(m.SubscriberId));
    }

    public static Props Props(string entityId, IReconcileHandler handler, ShardRegions regions, ReconcileTiming timing,
        ObjectLoader? loader = null) =>
        Akka.Actor.Props.Create(() => new SourceEntity(entityId, handler, regions, timing, loader));

    protected override bool HasListeners => _subscribers.Count > 0;

    protected override void OnReconciled(ReconcileOutcome outcome)
    {
        if (outcome.Artifact is not { } artifact || artifact == _artifact)
            return;
        _artifact = artifact;
        foreach (var subscriber in _subscribers)
            Regions.Tell(new ArtifactChanged(subscriber, EntityId, artifact));
    }

    protected override async Task OnDeletedAsync()
    {
        if (Object is not JsonObject lastSeen)
            return;
        try
        {
            await Handler.ForgetAsync(lastSeen, CancellationToken.None);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Log.Warning("{0}: could not remove its artifacts: {1}", EntityId, e.Message);
        }
    }
}
