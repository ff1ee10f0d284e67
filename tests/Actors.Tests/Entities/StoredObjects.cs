using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Tide.Actors.Entities;
using Tide.Actors.Sharding;

namespace Tide.Actors.Tests.Entities;

/// <summary>The objects as the API server holds them: a change is stored here and announced with an
/// <see cref="ObjectChanged"/> (id and resourceVersion only); entities read the object through <see cref="Loader"/>.</summary>
public sealed class StoredObjects
{
    private readonly ConcurrentDictionary<string, JsonObject> _objects = new(StringComparer.Ordinal);
    private int _reads;

    /// <summary>Answers at once, like a loader backed by a local cache.</summary>
    public ObjectLoader Loader => (id, _) =>
    {
        Interlocked.Increment(ref _reads);
        return Task.FromResult(_objects.TryGetValue(id, out var obj) ? obj.DeepClone().AsObject() : null);
    };

    /// <summary>How many times entities read an object.</summary>
    public int Reads => Volatile.Read(ref _reads);

    public ObjectChanged Changed(string entityId, long generation = 1, string? requestedAt = null,
        bool suspend = false, string? sourceName = null, string? statusMessage = null, string? dependsOn = null,
        long? resourceVersion = null, bool deleting = false) =>
        Changed(Objects.Object(entityId, generation, requestedAt, suspend, sourceName, statusMessage, dependsOn, resourceVersion, deleting));

    public ObjectChanged Changed(JsonObject obj)
    {
        var id = EntityId.Of(obj["kind"]!.GetValue<string>(), obj["metadata"]!["namespace"]!.GetValue<string>(),
            obj["metadata"]!["name"]!.GetValue<string>());
        _objects[id] = obj.DeepClone().AsObject();
        return new ObjectChanged(id, ObjectView.ResourceVersionOf(obj));
    }
}
