using System.Text.Json.Nodes;

namespace Tide.Actors.Entities;

/// <summary>Reads an entity's object (null when it does not exist): after an <c>ObjectChanged</c> that announces a
/// newer version, and when sharding (re)started the entity with no message. A loader that answers from a local cache
/// returns a completed task, and the entity adopts the object at once.</summary>
public delegate Task<JsonObject?> ObjectLoader(string entityId, CancellationToken ct);
