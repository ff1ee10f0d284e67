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
    private bool _lastFailed;
    private IReadOnlyList<string> _includes = [];
    private readonly Dictionary<string, ArtifactLocation> _included = new(StringComparer.Ordinal);

    public SourceEntity(string entityId, IReconcileHandler handler, ShardRegions regions, ReconcileTiming timing,
        ObjectLoader loader)
        : base(entityId, handler, regions, timing, loader)
    {
        Receive<Subscribe>(m =>
        {
            _subscribers.Add(m.SubscriberId);
            if (_artifact is not null)
                Regions.Tell(new ArtifactChanged(m.SubscriberId, EntityId, _artifact));
        });
        Receive<Unsubscribe>(m => _subscribers.Remove(m.SubscriberId));
        // A GitRepository that includes others is itself their subscriber: a new included artifact rebuilds it now.
        Receive<ArtifactChanged>(m =>
        {
            if (!_includes.Contains(m.SourceId))
                return;
            var known = _included.TryGetValue(m.SourceId, out var previous);
            _included[m.SourceId] = m.Artifact;
            // The first artifact heard of is news only to a reconcile that failed, e.g. waiting for it.
            if (known ? previous != m.Artifact : _lastFailed)
                RequestReconcile();
        });
    }

    protected override void OnObjectSeen(JsonObject obj)
    {
        var ns = obj["metadata"]?["namespace"]?.GetValue<string>() ?? "";
        var kind = Sharding.EntityId.KindOf(EntityId);
        var includes = (obj["spec"]?["include"] as JsonArray ?? [])
            .OfType<JsonObject>()
            .Select(i => i["repository"]?["name"]?.GetValue<string>())
            .OfType<string>()
            .Select(name => Sharding.EntityId.Of(kind, ns, name))
            .ToList();
        // A HelmChart follows its source (HelmRepository, GitRepository, Bucket): a new index or revision rebuilds it now.
        if (obj["spec"]?["sourceRef"] is JsonObject sourceRef && sourceRef["kind"]?.GetValue<string>() is { } sourceKind &&
            sourceRef["name"]?.GetValue<string>() is { } sourceName)
            includes.Add(Sharding.EntityId.Of(sourceKind, ns, sourceName));
        // An ArtifactGenerator follows each of its sources: a new artifact of any of them regenerates now.
        foreach (var source in (obj["spec"]?["sources"] as JsonArray ?? []).OfType<JsonObject>())
            if (source["kind"]?.GetValue<string>() is { } generatorSourceKind && source["name"]?.GetValue<string>() is { } generatorSourceName)
                includes.Add(Sharding.EntityId.Of(generatorSourceKind, source["namespace"]?.GetValue<string>() ?? ns, generatorSourceName));
        if (includes.SequenceEqual(_includes))
            return;
        _includes = includes;
        SubscribeToIncludes();
    }

    protected override void OnInterval() => SubscribeToIncludes();

    private void SubscribeToIncludes()
    {
        foreach (var include in _includes)
            Regions.Tell(new Subscribe(include, EntityId));
    }

    public static Props Props(string entityId, IReconcileHandler handler, ShardRegions regions, ReconcileTiming timing,
        ObjectLoader loader) =>
        Akka.Actor.Props.Create(() => new SourceEntity(entityId, handler, regions, timing, loader));

    protected override bool HasListeners => _subscribers.Count > 0;

    protected override void OnReconciled(ReconcileOutcome outcome)
    {
        _lastFailed = !outcome.Succeeded;
        if (outcome.Artifact is not { } artifact || artifact == _artifact)
            return;
        _artifact = artifact;
        foreach (var subscriber in _subscribers)
            Regions.Tell(new ArtifactChanged(subscriber, EntityId, artifact));
    }

    protected override async Task OnDeletedAsync(CancellationToken ct)
    {
        if (Object is not JsonObject lastSeen)
            return;
        try
        {
            await Handler.ForgetAsync(lastSeen, ct);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Log.Warning("{0}: could not remove its artifacts: {1}", EntityId, e.Message);
        }
    }
}
