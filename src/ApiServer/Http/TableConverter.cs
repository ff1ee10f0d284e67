using System.Text.Json.Nodes;
using Tide.ApiServer.Resources;
using Tide.ApiServer.Serialization;

namespace Tide.ApiServer.Http;

/// <summary>meta.k8s.io/v1 Tables for `kubectl get`: Kubernetes' columns for the common kinds, CRD
/// additionalPrinterColumns, and NAME/AGE otherwise. Ages are computed here as Kubernetes' server does.</summary>
internal sealed class TableConverter(TimeProvider time)
{
    public JsonObject ToTable(ResourceType type, IEnumerable<JsonObject> objects, bool includeObject, string resourceVersion,
        string? continueToken = null)
    {
        var columns = ColumnsFor(type);
        var rows = new JsonArray();
        foreach (var obj in objects)
        {
            rows.Add(new JsonObject
            {
                ["cells"] = new JsonArray(columns.Select(c => c.Cell(obj)?.DeepClone()).ToArray()),
                ["object"] = includeObject ? obj : PartialMetadata(obj),
            });
        }
        var metadata = new JsonObject { ["resourceVersion"] = resourceVersion };
        if (continueToken is not null) metadata["continue"] = continueToken;
        return new JsonObject
        {
            ["kind"] = "Table",
            ["apiVersion"] = "meta.k8s.io/v1",
            ["metadata"] = metadata,
            ["columnDefinitions"] = new JsonArray(columns.Select(c => (JsonNode)new JsonObject
            {
                ["name"] = c.Name,
                ["type"] = c.Type,
                ["format"] = c.Format,
                ["description"] = c.Name,
                ["priority"] = c.Priority,
            }).ToArray()),
            ["rows"] = rows,
        };
    }

    public static JsonObject PartialMetadata(JsonObject obj) => new()
    {
        ["kind"] = "PartialObjectMetadata",
        ["apiVersion"] = "meta.k8s.io/v1",
        ["metadata"] = obj["metadata"]?.DeepClone(),
    };

    private IReadOnlyList<TableColumn> ColumnsFor(ResourceType type)
    {
        if (type.PrinterColumns is { Count: > 0 } printer)
        {
            return [Name, .. printer.Select(CrdColumn)];
        }
        return type.StorageKey switch
        {
            BuiltinResources.Namespaces => [Name, Text("Status", o => Path(o, "status", "phase")), Age],
            "configmaps" => [Name, Int("Data", o => Count(o["data"]) + Count(o["binaryData"])), Age],
            "secrets" => [Name, Text("Type", o => o.Str("type")), Int("Data", o => Count(o["data"])), Age],
            "serviceaccounts" => [Name, Int("Secrets", o => Count(o["secrets"])), Age],
            "services" =>
            [
                Name, Text("Type", o => Path(o, "spec", "type")), Text("Cluster-IP", o => Path(o, "spec", "clusterIP")),
                Text("External-IP", o => ExternalIps(o)), Text("Port(s)", Ports), Age,
                Text("Selector", o => Selector(o["spec"]?["selector"]), 1),
            ],
            "pods" =>
            [
                Name, Text("Ready", o => $"{ReadyContainers(o)}/{(o["spec"]?["containers"] as JsonArray)?.Count ?? 0}"),
                Text("Status", o => Path(o, "status", "phase") ?? "Pending"), Int("Restarts", _ => 0), Age,
                Text("IP", o => Path(o, "status", "podIP") ?? "<none>", 1),
                Text("Node", o => Path(o, "spec", "nodeName") ?? "<none>", 1),
            ],
            "deployments.apps" =>
            [
                Name, Text("Ready", o => $"{Num(o, "status", "readyReplicas")}/{Num(o, "spec", "replicas")}"),
                Int("Up-to-date", o => Num(o, "status", "updatedReplicas")),
                Int("Available", o => Num(o, "status", "availableReplicas")), Age, .. PodTemplateColumns,
            ],
            "statefulsets.apps" =>
            [
                Name, Text("Ready", o => $"{Num(o, "status", "readyReplicas")}/{Num(o, "spec", "replicas")}"), Age,
                .. PodTemplateColumns.Take(2),
            ],
            "replicasets.apps" =>
            [
                Name, Int("Desired", o => Num(o, "spec", "replicas")), Int("Current", o => Num(o, "status", "replicas")),
                Int("Ready", o => Num(o, "status", "readyReplicas")), Age, .. PodTemplateColumns,
            ],
            "daemonsets.apps" =>
            [
                Name, Int("Desired", o => Num(o, "status", "desiredNumberScheduled")),
                Int("Current", o => Num(o, "status", "currentNumberScheduled")), Int("Ready", o => Num(o, "status", "numberReady")),
                Int("Up-to-date", o => Num(o, "status", "updatedNumberScheduled")),
                Int("Available", o => Num(o, "status", "numberAvailable")),
                Text("Node Selector", o => Selector(o["spec"]?["template"]?["spec"]?["nodeSelector"])), Age,
                .. PodTemplateColumns,
            ],
            "jobs.batch" =>
            [
                Name, Text("Status", JobStatus),
                Text("Completions", o => $"{Num(o, "status", "succeeded")}/{(o["spec"]?["completions"] is { } c ? c.ToString() : "1")}"),
                Text("Duration", JobDuration), Age, .. PodTemplateColumns,
            ],
            "persistentvolumeclaims" =>
            [
                Name, Text("Status", o => Path(o, "status", "phase")), Text("Volume", o => Path(o, "spec", "volumeName") ?? ""),
                Text("Capacity", o => Path(o, "status", "capacity", "storage") ?? ""),
                Text("Access Modes", o => AccessModes(o["status"]?["accessModes"])),
                Text("StorageClass", o => Path(o, "spec", "storageClassName") ?? "<unset>"),
                Text("VolumeAttributesClass", _ => "<unset>"), Age,
                Text("VolumeMode", o => Path(o, "spec", "volumeMode") ?? "Filesystem", 1),
            ],
            "events" =>
            [
                Text("Last Seen", o => Since(o.Str("lastTimestamp") ?? o.Str("eventTime") ?? o["metadata"].Str("creationTimestamp"))),
                Text("Type", o => o.Str("type")), Text("Reason", o => o.Str("reason")),
                Text("Object", o => $"{o["involvedObject"].Str("kind")?.ToLowerInvariant()}/{o["involvedObject"].Str("name")}"),
                Text("Message", o => o.Str("message")),
            ],
            BuiltinResources.CustomResourceDefinitions =>
            [
                Name, new TableColumn("Created At", "date", 0, o => o["metadata"]?["creationTimestamp"]?.DeepClone()),
            ],
            "leases.coordination.k8s.io" => [Name, Text("Holder", o => Path(o, "spec", "holderIdentity") ?? ""), Age],
            _ => [Name, Age],
        };
    }

    private static readonly TableColumn Name = new("Name", "string", 0, o => o["metadata"].Str("name"), "name");

    private TableColumn Age => new("Age", "string", 0, o => Since(o["metadata"].Str("creationTimestamp")));

    private static TableColumn Text(string name, Func<JsonObject, string?> cell, int priority = 0) =>
        new(name, "string", priority, o => cell(o) ?? "");

    private static TableColumn Int(string name, Func<JsonObject, long> cell) => new(name, "integer", 0, o => cell(o));

    private static IEnumerable<TableColumn> PodTemplateColumns =>
    [
        Text("Containers", o => string.Join(",", Containers(o).Select(c => c.Str("name"))), 1),
        Text("Images", o => string.Join(",", Containers(o).Select(c => c.Str("image"))), 1),
        Text("Selector", o => Selector(o["spec"]?["selector"]?["matchLabels"] ?? o["spec"]?["selector"]), 1),
    ];

    private TableColumn CrdColumn(PrinterColumn c) => new(c.Name, c.Type, c.Priority, o =>
    {
        var values = JsonPathLite.Select(o, c.JsonPath);
        if (values.Count == 0) return null;
        var value = values[0];
        if (c.Type == "date") return Since(value?.ToString());
        return value is JsonValue ? value.DeepClone() : value?.ToJsonString();
    }, c.Format);

    private string Since(string? timestamp)
    {
        if (Timestamps.Parse(timestamp) is not { } t) return "<unknown>";
        return HumanDuration(time.GetUtcNow() - t);
    }

    /// <summary>Kubernetes' duration.HumanDuration: "45s", "5m", "3h", "2d", with finer units for short spans.</summary>
    public static string HumanDuration(TimeSpan d)
    {
        if (d < TimeSpan.Zero) d = TimeSpan.Zero;
        var seconds = (long)d.TotalSeconds;
        if (seconds < 120) return $"{seconds}s";
        var minutes = seconds / 60;
        if (minutes < 10) return seconds % 60 == 0 ? $"{minutes}m" : $"{minutes}m{seconds % 60}s";
        if (minutes < 180) return $"{minutes}m";
        var hours = minutes / 60;
        if (hours < 8) return minutes % 60 == 0 ? $"{hours}h" : $"{hours}h{minutes % 60}m";
        if (hours < 48) return $"{hours}h";
        var days = hours / 24;
        if (days < 8) return hours % 24 == 0 ? $"{days}d" : $"{days}d{hours % 24}h";
        return days < 365 * 2 ? $"{days}d" : $"{days / 365}y";
    }

    private static string? Path(JsonNode? node, params string[] path)
    {
        foreach (var p in path) node = node is JsonObject o ? o[p] : null;
        return node is JsonValue v ? v.ToString() : null;
    }

    private static long Num(JsonNode? node, params string[] path) => long.TryParse(Path(node, path), out var n) ? n : 0;

    private static int Count(JsonNode? node) => node switch { JsonObject o => o.Count, JsonArray a => a.Count, _ => 0 };

    private static IEnumerable<JsonObject> Containers(JsonObject o) =>
        (o["spec"]?["template"]?["spec"]?["containers"] ?? o["spec"]?["jobTemplate"]?["spec"]?["template"]?["spec"]?["containers"])
        is JsonArray a ? a.OfType<JsonObject>() : [];

    private static string Selector(JsonNode? labels) =>
        labels is JsonObject o && o.Count > 0 ? string.Join(",", o.Select(kv => $"{kv.Key}={kv.Value}")) : "<none>";

    private static string ExternalIps(JsonObject o)
    {
        var ingress = (o["status"]?["loadBalancer"]?["ingress"] as JsonArray)?.OfType<JsonObject>()
            .Select(i => i.Str("ip") ?? i.Str("hostname")).OfType<string>().ToList() ?? [];
        if (ingress.Count > 0) return string.Join(",", ingress);
        return Path(o, "spec", "type") == "LoadBalancer" ? "<pending>" : "<none>";
    }

    private static string Ports(JsonObject o)
    {
        var ports = (o["spec"]?["ports"] as JsonArray)?.OfType<JsonObject>().Select(p =>
            p["nodePort"] is { } node ? $"{p["port"]}:{node}/{p.Str("protocol") ?? "TCP"}" : $"{p["port"]}/{p.Str("protocol") ?? "TCP"}")
            .ToList() ?? [];
        return ports.Count == 0 ? "<none>" : string.Join(",", ports);
    }

    private static long ReadyContainers(JsonObject o) =>
        (o["status"]?["containerStatuses"] as JsonArray)?.Count(c => c?["ready"]?.GetValue<bool>() == true) ?? 0;

    private static string JobStatus(JsonObject o)
    {
        var conditions = (o["status"]?["conditions"] as JsonArray)?.OfType<JsonObject>().ToList() ?? [];
        bool Has(string type) => conditions.Any(c => c.Str("type") == type && c.Str("status") == "True");
        if (Has("Failed")) return "Failed";
        if (Has("Complete")) return "Complete";
        if (Has("Suspended")) return "Suspended";
        return "Running";
    }

    private string JobDuration(JsonObject o)
    {
        if (Timestamps.Parse(o["status"].Str("startTime")) is not { } start) return "";
        var end = Timestamps.Parse(o["status"].Str("completionTime")) ?? time.GetUtcNow();
        return HumanDuration(end - start);
    }

    private static string AccessModes(JsonNode? modes) =>
        modes is JsonArray a ? string.Join(",", a.Select(m => m?.ToString() switch
        {
            "ReadWriteOnce" => "RWO",
            "ReadOnlyMany" => "ROX",
            "ReadWriteMany" => "RWX",
            "ReadWriteOncePod" => "RWOP",
            var other => other,
        })) : "";
}
