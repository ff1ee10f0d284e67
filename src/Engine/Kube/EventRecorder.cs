using System.Text.Json.Nodes;
using Tide.Engine.Reconcilers;

namespace Tide.Engine.Kube;

/// <summary>
/// Records Kubernetes Events (core v1) about an object, as Flux's controllers do: the involved object, Flux's reason,
/// Normal or Warning, the message, the reporting controller, and Flux's annotations (revision, digest).
/// </summary>
public sealed class EventRecorder(KubeClient kube, TimeProvider time)
{
    private const int MaxMessageLength = 1024;

    public async Task RecordAsync(JsonObject involved, ReconcileEvent e, string component, CancellationToken ct)
    {
        var target = ObjectRef.Of(involved);
        try
        {
            await kube.CreateAsync(Event(target, involved, e, component), ct);
        }
        catch (Exception error) when (error is KubeApiException or HttpRequestException)
        {
            // Dropped: events are informational.
        }
    }

    private JsonObject Event(ObjectRef target, JsonObject involved, ReconcileEvent e, string component)
    {
        var now = time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'");
        var annotations = new JsonObject();
        foreach (var (key, value) in e.Annotations ?? new Dictionary<string, string>())
            annotations[key] = value;
        var message = e.Message.Length > MaxMessageLength ? e.Message[..MaxMessageLength] + "..." : e.Message;
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
            ["reason"] = e.Reason,
            ["message"] = message,
            ["type"] = e.Type,
            ["source"] = new JsonObject { ["component"] = component },
            ["reportingComponent"] = component,
            ["firstTimestamp"] = now,
            ["lastTimestamp"] = now,
            ["count"] = 1,
        };
    }
}
