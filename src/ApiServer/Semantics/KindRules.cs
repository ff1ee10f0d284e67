using System.Text.Json.Nodes;
using Tide.ApiServer.Http;
using Tide.ApiServer.Resources;
using Tide.ApiServer.Serialization;

namespace Tide.ApiServer.Semantics;

/// <summary>What Kubernetes does per kind on create and update: defaults and allocations (Namespace phase, Service
/// clusterIP, CRD conditions), immutable fields (422 "field is immutable"), and which changes bump generation.</summary>
internal static class KindRules
{
    /// <summary>What Kubernetes rewrites on every write: a Secret's write-only stringData is merged into data
    /// (base64) and dropped.</summary>
    public static void Normalize(ResourceType type, JsonObject obj)
    {
        if (type.StorageKey != "secrets" || obj["stringData"] is not JsonObject stringData)
            return;
        var data = obj.Obj("data");
        foreach (var (key, value) in stringData)
        {
            var text = value is JsonValue v && v.TryGetValue<string>(out var str) ? str : value?.ToJsonString() ?? "";
            data[key] = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(text));
        }
        obj.Remove("stringData");
    }

    public static void DefaultOnCreate(ResourceType type, JsonObject obj)
    {
        switch (type.StorageKey)
        {
            case BuiltinResources.Namespaces:
                obj.Obj("spec")["finalizers"] = new JsonArray("kubernetes");
                obj.Obj("status")["phase"] = "Active";
                break;
            case "services":
                DefaultService(obj);
                break;
            case "secrets":
                obj["type"] ??= "Opaque";
                break;
            case "persistentvolumeclaims":
                obj.Obj("status")["phase"] = "Pending";
                break;
            case "deployments.apps":
                DefaultDeployment(obj.Obj("spec"));
                break;
            case "statefulsets.apps" or "replicasets.apps":
                obj.Obj("spec")["replicas"] ??= 1;
                break;
            case BuiltinResources.CustomResourceDefinitions:
                AcceptCrd(obj);
                break;
        }
    }

    private static void DefaultDeployment(JsonObject spec)
    {
        spec["replicas"] ??= 1;
        spec["revisionHistoryLimit"] ??= 10;
        spec["progressDeadlineSeconds"] ??= 600;
        spec["strategy"] ??= new JsonObject
        {
            ["type"] = "RollingUpdate",
            ["rollingUpdate"] = new JsonObject { ["maxUnavailable"] = "25%", ["maxSurge"] = "25%" },
        };
    }

    private static void DefaultService(JsonObject obj)
    {
        var spec = obj.Obj("spec");
        spec["type"] ??= "ClusterIP";
        spec["sessionAffinity"] ??= "None";
        if (spec["clusterIP"] is null || spec.Str("clusterIP") == "")
        {
            // A stable address per namespace/name from 10.96.0.0/12, like the default service CIDR.
            var hash = (uint)StableHash(obj.Metadata().Str("namespace") + "/" + obj.Metadata().Str("name")) % 0xFFFFE + 1;
            spec["clusterIP"] = $"10.{96 + (hash >> 16)}.{(hash >> 8) & 0xFF}.{hash & 0xFF}";
        }
        spec["clusterIPs"] ??= new JsonArray(spec.Str("clusterIP"));
        foreach (var port in spec["ports"]?.AsArray().OfType<JsonObject>() ?? [])
        {
            port["protocol"] ??= "TCP";
            port["targetPort"] ??= port["port"]?.DeepClone();
        }
        obj.Obj("status")["loadBalancer"] ??= new JsonObject();
    }

    private static int StableHash(string text)
    {
        var h = 17;
        foreach (var c in text) h = unchecked(h * 31 + c);
        return h & int.MaxValue;
    }

    /// <summary>CRD names are accepted and the CRD established at once (Kubernetes does it a moment later).</summary>
    public static void AcceptCrd(JsonObject crd)
    {
        var spec = crd["spec"] as JsonObject;
        var status = crd.Obj("status");
        status["acceptedNames"] = spec?["names"]?.DeepClone() ?? new JsonObject();
        var now = crd.Metadata().Str("creationTimestamp") ?? "";
        status["conditions"] = new JsonArray(
            Condition("NamesAccepted", "NoConflicts", "no conflicts found", now),
            Condition("Established", "InitialNamesAccepted", "the initial names have been accepted", now));
        var storage = (spec?["versions"] as JsonArray)?.OfType<JsonObject>()
            .FirstOrDefault(v => v["storage"]?.GetValue<bool>() == true).Str("name");
        var stored = status["storedVersions"] as JsonArray ?? [];
        if (storage is not null && stored.All(v => v?.GetValue<string>() != storage)) stored.Add(storage);
        status["storedVersions"] = stored.DeepClone();
    }

    private static JsonObject Condition(string type, string reason, string message, string time) => new()
    {
        ["type"] = type,
        ["status"] = "True",
        ["lastTransitionTime"] = time,
        ["reason"] = reason,
        ["message"] = message,
    };

    public static void ValidateCrd(ResourceType type, JsonObject crd)
    {
        var name = crd.Metadata().Str("name") ?? "";
        var spec = crd["spec"] as JsonObject;
        var group = spec.Str("group");
        var plural = spec?["names"].Str("plural");
        var kind = spec?["names"].Str("kind");
        var causes = new List<StatusCause>();
        if (string.IsNullOrEmpty(group)) causes.Add(new("FieldValueRequired", "spec.group", "Required value"));
        if (string.IsNullOrEmpty(plural)) causes.Add(new("FieldValueRequired", "spec.names.plural", "Required value"));
        if (string.IsNullOrEmpty(kind)) causes.Add(new("FieldValueRequired", "spec.names.kind", "Required value"));
        if (causes.Count == 0 && name != plural + "." + group)
        {
            causes.Add(new("FieldValueInvalid", "metadata.name",
                $"Invalid value: \"{name}\": must be spec.names.plural+\".\"+spec.group"));
        }
        var versions = (spec?["versions"] as JsonArray)?.OfType<JsonObject>().ToList() ?? [];
        if (versions.Count == 0) causes.Add(new("FieldValueRequired", "spec.versions", "Required value: must have exactly one version marked as storage version"));
        else if (versions.Count(v => v["storage"]?.GetValue<bool>() == true) != 1)
        {
            causes.Add(new("FieldValueInvalid", "spec.versions", "Invalid value: must have exactly one version marked as storage version"));
        }
        if (causes.Count > 0) throw ApiException.Invalid(type, name, causes.ToArray());
    }

    /// <summary>Rejects changes to fields Kubernetes makes immutable, and carries over allocated values an update
    /// may omit (a Service's clusterIP).</summary>
    public static void CheckUpdate(ResourceType type, JsonObject old, JsonObject updated)
    {
        var name = old.Metadata().Str("name") ?? "";
        switch (type.StorageKey)
        {
            case "deployments.apps" or "statefulsets.apps" or "daemonsets.apps" or "replicasets.apps":
                Immutable(type, name, old, updated, "spec", "selector");
                break;
            case "jobs.batch":
                Immutable(type, name, old, updated, "spec", "selector");
                Immutable(type, name, old, updated, "spec", "template");
                break;
            case "services":
                var oldIp = old["spec"].Str("clusterIP");
                var spec = updated.Obj("spec");
                if (string.IsNullOrEmpty(spec.Str("clusterIP")))
                {
                    spec["clusterIP"] = oldIp;
                    spec["clusterIPs"] = old["spec"]?["clusterIPs"]?.DeepClone();
                }
                else if (spec.Str("clusterIP") != oldIp)
                {
                    throw ApiException.Immutable(type, name, "spec.clusterIP", $"\"{spec.Str("clusterIP")}\": field is immutable");
                }
                break;
            case "persistentvolumeclaims":
                if (old["status"].Str("phase") == "Bound" && !Json.Same(WithoutRequests(old["spec"]), WithoutRequests(updated["spec"])))
                {
                    throw ApiException.Invalid(type, name, new StatusCause("FieldValueForbidden", "spec",
                        "Forbidden: spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims"));
                }
                break;
            case "configmaps" or "secrets":
                if (old["immutable"]?.GetValue<bool>() == true)
                {
                    if (updated["immutable"]?.GetValue<bool>() != true)
                    {
                        throw ApiException.Invalid(type, name, new StatusCause("FieldValueForbidden", "immutable",
                            "Forbidden: field is immutable when `immutable` is set"));
                    }
                    foreach (var field in new[] { "data", "binaryData", "stringData" })
                    {
                        if (!Json.Same(old[field], updated[field]))
                        {
                            throw ApiException.Invalid(type, name, new StatusCause("FieldValueForbidden", field,
                                "Forbidden: field is immutable when `immutable` is set"));
                        }
                    }
                }
                break;
        }
    }

    private static void Immutable(ResourceType type, string name, JsonObject old, JsonObject updated, string parent, string field)
    {
        var before = old[parent]?[field];
        var after = updated[parent]?[field];
        if (!Json.Same(before, after))
        {
            throw ApiException.Immutable(type, name, $"{parent}.{field}", $"{after?.ToJsonString() ?? "null"}: field is immutable");
        }
    }

    private static JsonNode? WithoutRequests(JsonNode? spec)
    {
        if (spec is not JsonObject o) return spec;
        var copy = o.DeepClone().AsObject();
        (copy["resources"] as JsonObject)?.Remove("requests");
        copy.Remove("volumeAttributesClassName");
        copy.Remove("volumeName");
        return copy;
    }

    /// <summary>Whether an update changes what generation counts: everything but metadata, and but status when the
    /// kind has a status subresource.</summary>
    public static bool ChangesGeneration(ResourceType type, JsonObject old, JsonObject updated)
    {
        foreach (var (key, value) in updated)
        {
            if (key is "metadata" or "apiVersion" or "kind" || (type.HasStatus && key == "status")) continue;
            if (!Json.Same(value, old[key])) return true;
        }
        foreach (var (key, _) in old)
        {
            if (key is "metadata" or "apiVersion" or "kind" || (type.HasStatus && key == "status")) continue;
            if (!updated.ContainsKey(key)) return true;
        }
        return false;
    }
}
