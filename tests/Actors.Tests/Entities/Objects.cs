using System.Text.Json.Nodes;
using Tide.Actors.Sharding;

namespace Tide.Actors.Tests.Entities;

/// <summary>Object JSON as the API server would return it.</summary>
public static class Objects
{
    public static JsonObject Object(string entityId, long generation = 1, string? requestedAt = null,
        bool suspend = false, string? sourceName = null, string? statusMessage = null, string? dependsOn = null,
        long? resourceVersion = null, bool deleting = false)
    {
        var (kind, ns, name) = EntityId.Parse(entityId);
        var metadata = new JsonObject { ["name"] = name, ["namespace"] = ns, ["generation"] = generation };
        if (resourceVersion is not null)
            metadata["resourceVersion"] = resourceVersion.ToString();
        if (deleting)
            metadata["deletionTimestamp"] = "2026-12-07T00:00:00Z";
        if (requestedAt is not null)
            metadata["annotations"] = new JsonObject { ["reconcile.fluxcd.io/requestedAt"] = requestedAt };
        var spec = new JsonObject { ["interval"] = "1m", ["suspend"] = suspend };
        if (sourceName is not null)
            spec["sourceRef"] = new JsonObject { ["kind"] = "GitRepository", ["name"] = sourceName };
        if (dependsOn is not null)
            spec["dependsOn"] = new JsonArray(new JsonObject { ["name"] = dependsOn });
        var obj = new JsonObject { ["apiVersion"] = "x/v1", ["kind"] = kind, ["metadata"] = metadata, ["spec"] = spec };
        if (statusMessage is not null)
            obj["status"] = new JsonObject { ["message"] = statusMessage };
        return obj;
    }
}
