using Akka.Actor;

namespace Tide.Actors.Sharding;

/// <summary>The shard region of each entity kind; <see cref="Tell"/> routes a message by its entity id's kind.</summary>
public sealed class ShardRegions
{
    private readonly Dictionary<string, IActorRef> _regions = new(StringComparer.Ordinal);

    public void Add(string kind, IActorRef region) => _regions[kind] = region;

    public IActorRef For(string kind) => _regions[kind];

    public IReadOnlyCollection<string> Kinds => _regions.Keys;

    public void Tell(IEntityMessage message, IActorRef? sender = null)
    {
        if (_regions.TryGetValue(EntityId.KindOf(message.EntityId), out var region))
            region.Tell(message, sender ?? ActorRefs.NoSender);
    }
}
