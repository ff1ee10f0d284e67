using System.Text.Json.Nodes;

namespace Tide.ApiServer.Serialization;

/// <summary>
/// The protobuf messages of the workloads kubectl's typed subcommands create (<c>kubectl create deployment|job|service</c>,
/// <c>kubectl run</c>, <c>kubectl expose</c>): a Deployment, Job, Pod or Service and what they hold, field numbers as in k8s.io/api's generated.proto.
/// A field outside this table that carries a value makes the whole body unsupported (the server then answers 415
/// instead of dropping it); zero values are what gogo-protobuf writes for unset fields and are skipped.
/// </summary>
internal static class ProtobufWorkloads
{
    private enum Kind { String, Int, Bool, Message, StringMap, QuantityMap, IntOrString, Metadata, Skip }

    /// <param name="Repeated">A list: each occurrence adds an item.</param>
    /// <param name="KeepZero">An optional (pointer) field whose zero is a value, e.g. replicas: 0.</param>
    private sealed record Field(string Name, Kind Kind, string? Message = null, bool Repeated = false, bool KeepZero = false);

    private static readonly Dictionary<string, Dictionary<int, Field>> Messages = new()
    {
        ["Deployment"] = new()
        {
            [1] = new("metadata", Kind.Metadata), [2] = new("spec", Kind.Message, "DeploymentSpec"),
            [3] = new("status", Kind.Skip),
        },
        ["DeploymentSpec"] = new()
        {
            [1] = new("replicas", Kind.Int, KeepZero: true), [2] = new("selector", Kind.Message, "LabelSelector"),
            [3] = new("template", Kind.Message, "PodTemplateSpec"), [4] = new("strategy", Kind.Message, "DeploymentStrategy"),
            [5] = new("minReadySeconds", Kind.Int), [6] = new("revisionHistoryLimit", Kind.Int, KeepZero: true),
            [7] = new("paused", Kind.Bool), [9] = new("progressDeadlineSeconds", Kind.Int, KeepZero: true),
        },
        ["DeploymentStrategy"] = new()
        {
            [1] = new("type", Kind.String), [2] = new("rollingUpdate", Kind.Message, "RollingUpdateDeployment"),
        },
        ["RollingUpdateDeployment"] = new()
        {
            [1] = new("maxUnavailable", Kind.IntOrString), [2] = new("maxSurge", Kind.IntOrString),
        },
        ["LabelSelector"] = new()
        {
            [1] = new("matchLabels", Kind.StringMap),
            [2] = new("matchExpressions", Kind.Message, "LabelSelectorRequirement", Repeated: true),
        },
        ["LabelSelectorRequirement"] = new()
        {
            [1] = new("key", Kind.String), [2] = new("operator", Kind.String), [3] = new("values", Kind.String, Repeated: true),
        },
        ["Job"] = new()
        {
            [1] = new("metadata", Kind.Metadata), [2] = new("spec", Kind.Message, "JobSpec"), [3] = new("status", Kind.Skip),
        },
        ["JobSpec"] = new()
        {
            [1] = new("parallelism", Kind.Int, KeepZero: true), [2] = new("completions", Kind.Int, KeepZero: true),
            [3] = new("activeDeadlineSeconds", Kind.Int), [4] = new("selector", Kind.Message, "LabelSelector"),
            [5] = new("manualSelector", Kind.Bool), [6] = new("template", Kind.Message, "PodTemplateSpec"),
            [7] = new("backoffLimit", Kind.Int, KeepZero: true), [8] = new("ttlSecondsAfterFinished", Kind.Int, KeepZero: true),
            [9] = new("completionMode", Kind.String), [10] = new("suspend", Kind.Bool),
        },
        ["Service"] = new()
        {
            [1] = new("metadata", Kind.Metadata), [2] = new("spec", Kind.Message, "ServiceSpec"), [3] = new("status", Kind.Skip),
        },
        ["ServiceSpec"] = new()
        {
            [1] = new("ports", Kind.Message, "ServicePort", Repeated: true), [2] = new("selector", Kind.StringMap),
            [3] = new("clusterIP", Kind.String), [4] = new("type", Kind.String),
            [5] = new("externalIPs", Kind.String, Repeated: true), [7] = new("sessionAffinity", Kind.String),
            [10] = new("externalName", Kind.String), [18] = new("clusterIPs", Kind.String, Repeated: true),
        },
        ["ServicePort"] = new()
        {
            [1] = new("name", Kind.String), [2] = new("protocol", Kind.String), [3] = new("port", Kind.Int),
            [4] = new("targetPort", Kind.IntOrString), [5] = new("nodePort", Kind.Int),
        },
        ["Pod"] = new()
        {
            [1] = new("metadata", Kind.Metadata), [2] = new("spec", Kind.Message, "PodSpec"), [3] = new("status", Kind.Skip),
        },
        ["PodTemplateSpec"] = new() { [1] = new("metadata", Kind.Metadata), [2] = new("spec", Kind.Message, "PodSpec") },
        ["PodSpec"] = new()
        {
            [2] = new("containers", Kind.Message, "Container", Repeated: true), [3] = new("restartPolicy", Kind.String),
            [4] = new("terminationGracePeriodSeconds", Kind.Int, KeepZero: true), [6] = new("dnsPolicy", Kind.String),
            [7] = new("nodeSelector", Kind.StringMap), [8] = new("serviceAccountName", Kind.String),
            [14] = new("securityContext", Kind.Message, "PodSecurityContext"), [19] = new("schedulerName", Kind.String),
            [20] = new("initContainers", Kind.Message, "Container", Repeated: true),
        },
        // kubectl writes an empty one; any setting in it is beyond this table.
        ["PodSecurityContext"] = new(),
        ["Container"] = new()
        {
            [1] = new("name", Kind.String), [2] = new("image", Kind.String), [3] = new("command", Kind.String, Repeated: true),
            [4] = new("args", Kind.String, Repeated: true), [5] = new("workingDir", Kind.String),
            [6] = new("ports", Kind.Message, "ContainerPort", Repeated: true), [7] = new("env", Kind.Message, "EnvVar", Repeated: true),
            [8] = new("resources", Kind.Message, "ResourceRequirements"), [13] = new("terminationMessagePath", Kind.String),
            [14] = new("imagePullPolicy", Kind.String), [16] = new("stdin", Kind.Bool), [17] = new("stdinOnce", Kind.Bool),
            [18] = new("tty", Kind.Bool), [20] = new("terminationMessagePolicy", Kind.String),
        },
        ["ContainerPort"] = new()
        {
            [1] = new("name", Kind.String), [2] = new("hostPort", Kind.Int), [3] = new("containerPort", Kind.Int),
            [4] = new("protocol", Kind.String), [5] = new("hostIP", Kind.String),
        },
        ["EnvVar"] = new() { [1] = new("name", Kind.String), [2] = new("value", Kind.String) },
        ["ResourceRequirements"] = new() { [1] = new("limits", Kind.QuantityMap), [2] = new("requests", Kind.QuantityMap) },
    };

    /// <summary>The object of a Deployment (apps/v1), Job (batch/v1), Pod or Service (v1) body; null for other kinds or
    /// fields beyond the table.</summary>
    public static JsonObject? Decode(string apiVersion, string kind, ReadOnlyMemory<byte> raw)
    {
        if ((apiVersion, kind) is not (("apps/v1", "Deployment") or ("batch/v1", "Job") or ("v1", "Pod" or "Service")))
            return null;
        if (Message(kind, raw) is not { } fields)
            return null;
        var obj = new JsonObject { ["apiVersion"] = apiVersion, ["kind"] = kind };
        foreach (var (name, value) in fields.ToList())
        {
            fields.Remove(name);
            obj[name] = value;
        }
        return obj;
    }

    private static JsonObject? Message(string type, ReadOnlyMemory<byte> bytes)
    {
        var fields = Messages[type];
        var result = new JsonObject();
        foreach (var (number, value) in KubeProtobuf.Fields(bytes))
        {
            if (!fields.TryGetValue(number, out var field))
            {
                if (value.Bytes.Length > 0 || value.Number != 0)
                    return null;
                continue;
            }
            JsonNode? node;
            switch (field.Kind)
            {
                case Kind.Skip:
                    continue;
                case Kind.Metadata:
                    node = KubeProtobuf.ObjectMeta(value.Bytes);
                    break;
                case Kind.String:
                    if (value.Bytes.Length == 0 && !field.Repeated)
                        continue;
                    node = value.Text;
                    break;
                case Kind.Int:
                    if (value.Number == 0 && !field.KeepZero)
                        continue;
                    node = (long)value.Number;
                    break;
                case Kind.Bool:
                    if (value.Number == 0)
                        continue;
                    node = true;
                    break;
                case Kind.Message:
                    node = Message(field.Message!, value.Bytes);
                    if (node is null)
                        return null;
                    break;
                case Kind.IntOrString:
                    node = IntOrString(value.Bytes);
                    break;
                case Kind.StringMap:
                    KubeProtobuf.Map(result, field.Name, value.Bytes, base64: false);
                    continue;
                default:
                    QuantityEntry(result, field.Name, value.Bytes);
                    continue;
            }
            if (field.Repeated)
            {
                if (result[field.Name] is not JsonArray list)
                    result[field.Name] = list = [];
                list.Add(node);
            }
            else
            {
                result[field.Name] = node;
            }
        }
        return result;
    }

    /// <summary>intstr.IntOrString: type = 1 (0 int, 1 string), intVal = 2, strVal = 3.</summary>
    private static JsonNode IntOrString(ReadOnlyMemory<byte> bytes)
    {
        ulong type = 0, number = 0;
        var text = "";
        foreach (var (field, value) in KubeProtobuf.Fields(bytes))
        {
            if (field == 1) type = value.Number;
            else if (field == 2) number = value.Number;
            else if (field == 3) text = value.Text;
        }
        return type == 1 ? JsonValue.Create(text) : JsonValue.Create((long)number);
    }

    /// <summary>A map&lt;string, Quantity&gt; entry: {1: key, 2: Quantity {1: string}}.</summary>
    private static void QuantityEntry(JsonObject parent, string name, ReadOnlyMemory<byte> entry)
    {
        if (parent[name] is not JsonObject map)
            parent[name] = map = [];
        var key = "";
        var quantity = "";
        foreach (var (field, value) in KubeProtobuf.Fields(entry))
        {
            if (field == 1)
                key = value.Text;
            else if (field == 2)
                quantity = KubeProtobuf.Fields(value.Bytes).Where(f => f.Field == 1).Select(f => f.Value.Text).LastOrDefault() ?? "";
        }
        map[key] = quantity;
    }
}
