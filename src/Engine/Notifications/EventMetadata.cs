using System.Text.Json.Nodes;
using Tide.Engine.Api;
using Tide.Engine.Reconcilers;

namespace Tide.Engine.Notifications;

/// <summary>The metadata rules of Flux's event path: what a controller attaches, what the event server keeps, and how
/// an Alert's metadata combines with it (RFC 0008).</summary>
public static class EventMetadata
{
    /// <summary>
    /// The event a controller sends for a Kubernetes Event it records: the event's annotations (a key without a
    /// group gets the object's, as Flux's controllers write them) and the object's event.toolkit.fluxcd.io/
    /// annotations; then what the event server keeps: keys of the event group or the object's group, except the
    /// object group's checksum and digest. Null for objects Flux does not notify about (no namespace).
    /// </summary>
    public static FluxEvent? FromRecorded(JsonObject involved, ReconcileEvent recorded, string controller, string instance,
        DateTimeOffset now)
    {
        var metadata = involved["metadata"] as JsonObject;
        var ns = metadata?["namespace"]?.GetValue<string>() ?? "";
        if (ns.Length == 0)
            return null;
        var o = new EventObject(involved["apiVersion"]?.GetValue<string>() ?? "", involved["kind"]?.GetValue<string>() ?? "", ns,
            metadata?["name"]?.GetValue<string>() ?? "")
        {
            Uid = metadata?["uid"]?.GetValue<string>(),
            ResourceVersion = metadata?["resourceVersion"]?.GetValue<string>(),
        };
        var all = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in recorded.Annotations ?? new Dictionary<string, string>())
            all[key.Contains('/') ? key : $"{o.Group}/{key}"] = value;
        foreach (var (key, value) in metadata?["annotations"] as JsonObject ?? [])
            if (key.StartsWith(FluxEvent.Group + "/", StringComparison.Ordinal) && value is not null)
                all[key] = value.ToString();
        var excluded = new[] { $"{o.Group}/checksum", $"{o.Group}/digest" };
        var kept = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in all)
            if (!excluded.Contains(key, StringComparer.OrdinalIgnoreCase) &&
                (key.StartsWith(FluxEvent.Group + "/", StringComparison.Ordinal) || key.StartsWith(o.Group + "/", StringComparison.Ordinal)))
                kept[key] = value;
        return new FluxEvent
        {
            InvolvedObject = o,
            Severity = recorded.Type == ReconcileEvent.Warning ? FluxEvent.SeverityError : FluxEvent.SeverityInfo,
            Timestamp = new DateTimeOffset(now.Ticks - now.Ticks % TimeSpan.TicksPerSecond, TimeSpan.Zero),
            Message = recorded.Message,
            Reason = recorded.Reason,
            Metadata = kept,
            ReportingController = controller,
            ReportingInstance = instance,
        };
    }

    /// <summary>The event without internal metadata (the object group's token).</summary>
    public static FluxEvent WithoutInternal(FluxEvent e)
    {
        var token = $"{e.InvolvedObject.Group}/token";
        return e.Metadata.ContainsKey(token)
            ? e with { Metadata = new SortedDictionary<string, string>(e.Metadata.Where(m => m.Key != token).ToDictionary(), StringComparer.Ordinal) }
            : e;
    }

    /// <summary>
    /// The metadata an Alert's Provider gets, lowest precedence first: the event group's keys (prefix stripped), the
    /// Alert's eventMetadata, its summary (key "summary"), the object group's keys (prefix stripped). Also returns the
    /// keys more than one source set, with the sources, for the warning Flux gives.
    /// </summary>
    public static (FluxEvent Event, IReadOnlyDictionary<string, string> Conflicts) Combine(FluxEvent e, AlertSpec alert)
    {
        var metadata = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var sources = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        void Set(string key, string value, string source)
        {
            metadata[key] = value;
            if (!sources.TryGetValue(key, out var list))
                sources[key] = list = [];
            list.Add(source);
        }
        foreach (var (key, value) in e.Metadata.Where(m => m.Key.StartsWith(FluxEvent.Group + "/", StringComparison.Ordinal)))
            Set(key[(FluxEvent.Group.Length + 1)..], value, "involved object annotations");
        foreach (var (key, value) in alert.EventMetadata ?? new Dictionary<string, string>())
            Set(key, value, "Alert object .spec.eventMetadata");
        if (!string.IsNullOrEmpty(alert.Summary))
            Set("summary", alert.Summary, "Alert object .spec.summary");
        var objectGroup = e.InvolvedObject.Group + "/";
        foreach (var (key, value) in e.Metadata.Where(m => m.Key.StartsWith(objectGroup, StringComparison.Ordinal)))
            Set(key[objectGroup.Length..], value, "involved object controller metadata");
        var conflicts = sources.Where(s => s.Value.Count > 1).OrderBy(s => s.Key, StringComparer.Ordinal)
            .ToDictionary(s => s.Key, s => string.Join(", ", s.Value));
        return (metadata.Count > 0 ? e with { Metadata = metadata } : e, conflicts);
    }
}
