using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Tide.Engine.Notifications;

/// <summary>
/// An event as Flux's controllers send it to notification-controller (event.toolkit.fluxcd.io/v1beta1 Event): the
/// object it is about, its severity (info, error), time, message, Flux reason, metadata (revision, ...), and the
/// reporting controller. <see cref="ToJson"/> writes Flux's JSON (the generic providers' payload).
/// </summary>
public sealed record FluxEvent
{
    public const string Group = "event.toolkit.fluxcd.io";
    public const string SeverityInfo = "info";
    public const string SeverityError = "error";

    /// <summary>JSON as Go writes it: key order of the Go struct, no escaping beyond what JSON needs.</summary>
    private static readonly JsonSerializerOptions JsonOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public required EventObject InvolvedObject { get; init; }

    public required string Severity { get; init; }

    public required DateTimeOffset Timestamp { get; init; }

    public required string Message { get; init; }

    public required string Reason { get; init; }

    /// <summary>Sorted by key, as Go writes a map.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = new SortedDictionary<string, string>(StringComparer.Ordinal);

    public required string ReportingController { get; init; }

    public string? ReportingInstance { get; init; }

    public bool IsError => Severity == SeverityError;

    /// <summary>The revision the event is about (metadata 'commit', 'originRevision' or 'revision', after the
    /// metadata was combined for an Alert), as Flux's GetRevision.</summary>
    public string? Revision =>
        Metadata.GetValueOrDefault("commit") ?? Metadata.GetValueOrDefault("originRevision") ?? Metadata.GetValueOrDefault("revision");

    /// <summary>"kind/name.namespace" with the kind in lower case: how chat providers name the object.</summary>
    public string ObjectName => $"{InvolvedObject.Kind.ToLowerInvariant()}/{InvolvedObject.Name}.{InvolvedObject.Namespace}";

    public JsonObject ToJsonObject()
    {
        var involved = new JsonObject { ["kind"] = InvolvedObject.Kind };
        if (InvolvedObject.Namespace.Length > 0)
            involved["namespace"] = InvolvedObject.Namespace;
        involved["name"] = InvolvedObject.Name;
        if (!string.IsNullOrEmpty(InvolvedObject.Uid))
            involved["uid"] = InvolvedObject.Uid;
        if (InvolvedObject.ApiVersion.Length > 0)
            involved["apiVersion"] = InvolvedObject.ApiVersion;
        if (!string.IsNullOrEmpty(InvolvedObject.ResourceVersion))
            involved["resourceVersion"] = InvolvedObject.ResourceVersion;
        var json = new JsonObject
        {
            ["involvedObject"] = involved,
            ["severity"] = Severity,
            ["timestamp"] = Timestamp.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'"),
            ["message"] = Message,
            ["reason"] = Reason,
        };
        if (Metadata.Count > 0)
            json["metadata"] = new JsonObject(Metadata.OrderBy(m => m.Key, StringComparer.Ordinal)
                .Select(m => KeyValuePair.Create(m.Key, (JsonNode?)m.Value)));
        json["reportingController"] = ReportingController;
        if (!string.IsNullOrEmpty(ReportingInstance))
            json["reportingInstance"] = ReportingInstance;
        return json;
    }

    public string ToJson() => ToJsonObject().ToJsonString(JsonOptions);

    /// <summary>Serializes any payload the way <see cref="ToJson"/> does.</summary>
    public static string Serialize(JsonNode payload) => payload.ToJsonString(JsonOptions);
}
