using System.Text.Json.Nodes;

namespace Tide.Actors.Entities;

/// <summary>Reads an entity's object from the cluster (null when it no longer exists): how an entity that sharding
/// restarted on another node gets its object without waiting for the watcher's next relist.</summary>
public delegate Task<JsonObject?> ObjectLoader(string entityId, CancellationToken ct);
