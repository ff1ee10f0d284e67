namespace Tide.Actors.Sharding;

/// <summary>A message for one entity, routed by the shard region of the entity's kind.</summary>
public interface IEntityMessage
{
    /// <summary><c>&lt;Kind&gt;/&lt;namespace&gt;/&lt;name&gt;</c>, see <see cref="EntityId"/>.</summary>
    string EntityId { get; }
}
