using System.Text.Json.Nodes;
using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Event;
using Tide.Actors.Cluster;
using Tide.Actors.Sharding;
using Tide.Engine.Artifacts;

namespace Tide.Actors.Entities;

/// <summary>
/// An ExternalArtifact: nothing reconciles it (its generator writes its status), so the entity only relays. It keeps
/// the artifact its status names and tells every subscriber (Kustomizations, HelmReleases, other generators) when
/// that artifact changes; a subscriber gets the current one at once. An unchanged artifact is news to nobody: a
/// generator that rebuilt the same content wakes no consumer.
/// </summary>
public sealed class ExternalArtifactEntity : ReceiveActor
{
    private readonly string _entityId;
    private readonly ShardRegions _regions;
    private readonly ObjectLoader _loader;
    private readonly HashSet<string> _subscribers = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private ArtifactLocation? _artifact;
    private ObjectView? _view;
    private bool _reading;
    private bool _readAgain;
    /// <summary>The entity of the ArtifactGenerator its spec.sourceRef names, if any.</summary>
    private string? _producer;

    public ExternalArtifactEntity(string entityId, ShardRegions regions, ObjectLoader loader)
    {
        _entityId = entityId;
        _regions = regions;
        _loader = loader;
        // Messages carry versions, not objects: read the object when the announced version is newer than the one held.
        Receive<ObjectChanged>(m =>
        {
            if (!ObjectView.IsNoNewerThan(m.ResourceVersion, _view))
                Read();
        });
        Receive<Loaded>(m =>
        {
            _reading = false;
            if (m.Object is not null)
                Adopt(m.Object);
            else if (_view is null && _subscribers.Count == 0)
                Context.Parent.Tell(new Passivate(PoisonPill.Instance));
            if (_readAgain)
            {
                _readAgain = false;
                Read();
            }
        });
        Receive<ObjectDeleted>(_ =>
        {
            // Deleted by hand while its generator still generates it: the generator's drift detection restores it.
            if (_producer is not null)
                _regions.Tell(new ReconcileRequested(_producer, $"{_entityId} was deleted"));
            Context.Parent.Tell(new Passivate(PoisonPill.Instance));
        });
        Receive<Subscribe>(m =>
        {
            _subscribers.Add(m.SubscriberId);
            if (_artifact is not null)
                _regions.Tell(new ArtifactChanged(m.SubscriberId, _entityId, _artifact));
        });
        Receive<Unsubscribe>(m => _subscribers.Remove(m.SubscriberId));
    }

    public static Props Props(string entityId, ShardRegions regions, ObjectLoader loader) =>
        Akka.Actor.Props.Create(() => new ExternalArtifactEntity(entityId, regions, loader));

    protected override void PreStart()
    {
        base.PreStart();
        TideMetrics.EntityStarted(_entityId);
        // Sharding (remember-entities) restarts entities of a lost node's shards with no message: read the object.
        Read();
    }

    /// <summary>One read at a time; news that arrives during a read asks for one more after it.</summary>
    private void Read()
    {
        if (_reading)
        {
            _readAgain = true;
            return;
        }
        _reading = true;
        LoadAsync().PipeTo(Self);
    }

    protected override void PostStop()
    {
        _stopping.Cancel();
        TideMetrics.EntityStopped(_entityId);
        base.PostStop();
    }

    private async Task<Loaded> LoadAsync()
    {
        try
        {
            return new Loaded(await _loader(_entityId, _stopping.Token));
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The watcher's relist delivers the object later; nothing is lost.
            Context.GetLogger().Warning("{0}: could not read its object: {1}", _entityId, e.Message);
            return new Loaded(null);
        }
    }

    private void Adopt(JsonObject obj)
    {
        var view = ObjectView.Of(obj);
        if (view.IsNoNewerThan(_view))
            return;
        _view = view;
        TideMetrics.Observe(_entityId, obj);
        _producer = obj["spec"]?["sourceRef"] is JsonObject producer && producer["kind"]?.GetValue<string>() is { } kind &&
            producer["name"]?.GetValue<string>() is { } name
                ? Sharding.EntityId.Of(kind, producer["namespace"]?.GetValue<string>() ?? obj["metadata"]?["namespace"]?.GetValue<string>() ?? "", name)
                : null;
        if (obj["status"]?["artifact"] is not JsonObject stored ||
            stored["revision"]?.GetValue<string>() is not { } revision || stored["digest"]?.GetValue<string>() is not { } digest ||
            stored["url"]?.GetValue<string>() is not { } url)
            return;
        var artifact = new ArtifactLocation(revision, digest, url);
        if (artifact == _artifact)
            return;
        _artifact = artifact;
        foreach (var subscriber in _subscribers)
            _regions.Tell(new ArtifactChanged(subscriber, _entityId, artifact));
    }

    /// <summary>The object read at start (null: it does not exist); local only.</summary>
    private sealed record Loaded(JsonObject? Object) : INoSerializationVerificationNeeded;
}
