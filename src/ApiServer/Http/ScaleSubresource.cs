using System.Text.Json.Nodes;
using Tide.ApiServer.Resources;
using Tide.ApiServer.Serialization;

namespace Tide.ApiServer.Http;

/// <summary>The /scale subresource of Deployments, StatefulSets and ReplicaSets (`kubectl scale`, autoscalers): an
/// autoscaling/v1 Scale view of spec.replicas.</summary>
internal static class ScaleSubresource
{
    public static bool Supports(ResourceType type) =>
        type.StorageKey is "deployments.apps" or "statefulsets.apps" or "replicasets.apps";

    public static JsonObject ToScale(JsonObject obj)
    {
        var meta = obj.Metadata();
        var labels = obj["spec"]?["selector"]?["matchLabels"] as JsonObject;
        return new JsonObject
        {
            ["kind"] = "Scale",
            ["apiVersion"] = "autoscaling/v1",
            ["metadata"] = new JsonObject
            {
                ["name"] = meta.Str("name"),
                ["namespace"] = meta.Str("namespace"),
                ["uid"] = meta.Str("uid"),
                ["resourceVersion"] = meta.Str("resourceVersion"),
                ["creationTimestamp"] = meta.Str("creationTimestamp"),
            },
            ["spec"] = new JsonObject { ["replicas"] = obj["spec"]?["replicas"]?.GetValue<long>() ?? 0 },
            ["status"] = new JsonObject
            {
                ["replicas"] = obj["status"]?["replicas"]?.GetValue<long>() ?? 0,
                ["selector"] = labels is null ? "" : string.Join(",", labels.Select(kv => $"{kv.Key}={kv.Value}")),
            },
        };
    }

    /// <summary>Carries a Scale's spec.replicas into the object; its resourceVersion, when set, is a precondition.</summary>
    public static JsonObject Apply(ResourceType type, JsonObject obj, JsonObject scale)
    {
        var name = obj.Metadata().Str("name")!;
        if (scale["metadata"].Str("resourceVersion") is { Length: > 0 } rv && rv != obj.Metadata().Str("resourceVersion"))
        {
            throw ApiException.Stale(type, name);
        }
        if (scale["spec"]?["replicas"] is not JsonValue replicas || !replicas.TryGetValue<long>(out var count) || count < 0)
        {
            throw ApiException.Invalid(type, name, new StatusCause("FieldValueInvalid", "spec.replicas",
                "Invalid value: must be greater than or equal to 0"));
        }
        obj.Obj("spec")["replicas"] = count;
        return obj;
    }
}
