using System.Text.Json.Nodes;
using Tide.Engine.Reconcilers;

namespace Tide.Engine.Kube;

/// <summary>
/// Records Kubernetes Events (core v1) about an object, as Flux's controllers do: the involved object, Flux's reason,
/// Normal or Warning, the message, the reporting controller, and Flux's annotations (revision, digest). An event
/// that repeats one recorded before (same object, type, reason, message and component) is aggregated as client-go
/// does it: the existing Event's count goes up and its lastTimestamp moves, instead of a new Event per retry.
/// </summary>
public sealed class EventRecorder(KubeClient kube, TimeProvider time)
{
    private const int MaxMessageLength = 1024;

    // client-go's event correlator remembers this many distinct events per recorder.
    private const int MaxRemembered = 4096;

    private readonly Dictionary<EventKey, LinkedListNode<Recorded>> _recorded = [];
    private readonly LinkedList<Recorded> _recency = [];
    private readonly Lock _lock = new();

    /// <summary>Records <paramref name="e"/>; returns the Event written (created, or the earlier one whose count it
    /// raised), or null when it could not be written.</summary>
    /// <param name="labels">Labels of a new Event (e.g. the notification outbox's mark).</param>
    public async Task<ObjectRef?> RecordAsync(JsonObject involved, ReconcileEvent e, string component, CancellationToken ct,
        IReadOnlyDictionary<string, string>? labels = null)
    {
        var target = ObjectRef.Of(involved);
        var message = e.Message.Length > MaxMessageLength ? e.Message[..MaxMessageLength] + "..." : e.Message;
        var key = new EventKey(target, involved["metadata"]?["uid"]?.GetValue<string>() ?? "", e.Type, e.Reason,
            message, component);
        var now = time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'");
        try
        {
            if (Repeat(key) is { } previous)
            {
                try
                {
                    await kube.PatchAsync(previous.Event, new JsonObject
                    {
                        ["count"] = previous.Count,
                        ["lastTimestamp"] = now,
                    }, ct);
                    return previous.Event;
                }
                catch (KubeApiException error) when (error.IsNotFound)
                {
                    // The Event expired (or was deleted): a new one starts the count again.
                }
            }
            var created = Event(target, involved, e.Annotations, key, now);
            if (labels is { Count: > 0 })
                created["metadata"]!["labels"] = new JsonObject(labels.Select(l => KeyValuePair.Create(l.Key, (JsonNode?)l.Value)));
            await kube.CreateAsync(created, ct);
            Remember(key, ObjectRef.Of(created));
            return ObjectRef.Of(created);
        }
        catch (Exception error) when (error is KubeApiException or HttpRequestException)
        {
            // Dropped: events are informational.
            return null;
        }
    }

    /// <summary>The Event recorded before for the same key, with its count already raised; null if none.</summary>
    private Recorded? Repeat(EventKey key)
    {
        lock (_lock)
        {
            if (!_recorded.TryGetValue(key, out var node))
                return null;
            _recency.Remove(node);
            _recency.AddFirst(node);
            node.Value = node.Value with { Count = node.Value.Count + 1 };
            return node.Value;
        }
    }

    private void Remember(EventKey key, ObjectRef created)
    {
        lock (_lock)
        {
            if (_recorded.Remove(key, out var stale))
                _recency.Remove(stale);
            _recorded[key] = _recency.AddFirst(new Recorded(key, created, 1));
            while (_recorded.Count > MaxRemembered)
            {
                _recorded.Remove(_recency.Last!.Value.Key);
                _recency.RemoveLast();
            }
        }
    }

    private static JsonObject Event(ObjectRef target, JsonObject involved, IReadOnlyDictionary<string, string>? eventAnnotations,
        EventKey key, string now)
    {
        var annotations = new JsonObject();
        foreach (var (name, value) in eventAnnotations ?? new Dictionary<string, string>())
            annotations[name] = value;
        var ns = target.Namespace.Length == 0 ? "default" : target.Namespace;
        return new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Event",
            ["metadata"] = new JsonObject
            {
                ["name"] = $"{target.Name}.{Guid.NewGuid():N}"[..Math.Min(target.Name.Length + 17, 253)],
                ["namespace"] = ns,
                ["annotations"] = annotations,
            },
            ["involvedObject"] = new JsonObject
            {
                ["apiVersion"] = target.ApiVersion,
                ["kind"] = target.Kind,
                ["name"] = target.Name,
                ["namespace"] = target.Namespace,
                ["uid"] = involved["metadata"]?["uid"]?.DeepClone(),
                ["resourceVersion"] = involved["metadata"]?["resourceVersion"]?.DeepClone(),
            },
            ["reason"] = key.Reason,
            ["message"] = key.Message,
            ["type"] = key.Type,
            ["source"] = new JsonObject { ["component"] = key.Component },
            ["reportingComponent"] = key.Component,
            ["firstTimestamp"] = now,
            ["lastTimestamp"] = now,
            ["count"] = 1,
        };
    }

    private sealed record EventKey(ObjectRef Target, string Uid, string Type, string Reason, string Message, string Component);

    private sealed record Recorded(EventKey Key, ObjectRef Event, int Count);
}
