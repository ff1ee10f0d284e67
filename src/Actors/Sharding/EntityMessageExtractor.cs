using Akka.Cluster.Sharding;

namespace Tide.Actors.Sharding;

/// <summary>Routes <see cref="IEntityMessage"/>s by entity id over a fixed number of shards.</summary>
public sealed class EntityMessageExtractor(int maxShards = 100) : HashCodeMessageExtractor(maxShards)
{
    public override string? EntityId(object message) => message switch
    {
        IEntityMessage m => m.EntityId,
        _ => null,
    };
}
