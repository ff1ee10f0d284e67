using System.Text.Json;
using System.Text.Json.Nodes;
using Tide.Engine.Kube;
using Tide.Host.Cli;

namespace Tide.Host.Ui;

/// <summary>What the object page shows: its row and conditions, revisions, release history, reconcile request, events, inventory tree,
/// its source and the source's other consumers, what it depends on and what depends on it.</summary>
public static class ObjectDetails
{
    private const int MaxEvents = 50;
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    public static async Task<JsonObject> BuildAsync(KubeClient kube, FluxObjectCache cache, FluxKind kind, JsonObject obj,
        CancellationToken ct)
    {
        var ns = FluxObjects.Namespace(obj);
        var name = FluxObjects.Name(obj);
        var status = obj["status"] as JsonObject;
        var source = FluxObjects.TrySourceOf(kind, obj);
        var sourceRef = source is { } s ? (s.Kind.Kind, s.Namespace, s.Name) : (kind.Kind, ns, name);
        var details = new JsonObject
        {
            ["row"] = JsonSerializer.SerializeToNode(StatusRow.Of(kind, obj), Web),
            ["apiVersion"] = kind.ApiVersion,
            ["isSource"] = kind.IsSource,
            ["generation"] = obj["metadata"]?["generation"]?.DeepClone(),
            ["observedGeneration"] = status?["observedGeneration"]?.DeepClone(),
            ["interval"] = obj["spec"]?["interval"]?.DeepClone(),
            ["requestedAt"] = obj["metadata"]?["annotations"]?[FluxObjects.RequestedAtAnnotation]?.DeepClone(),
            ["lastHandledReconcileAt"] = status?["lastHandledReconcileAt"]?.DeepClone(),
            ["lastAppliedRevision"] = status?["lastAppliedRevision"]?.DeepClone(),
            ["lastAttemptedRevision"] = status?["lastAttemptedRevision"]?.DeepClone(),
            ["artifact"] = status?["artifact"]?.DeepClone(),
            ["conditions"] = status?["conditions"]?.DeepClone() ?? new JsonArray(),
            // A HelmRelease's releases, newest first, as helm-controller records them.
            ["history"] = status?["history"]?.DeepClone() ?? new JsonArray(),
            ["source"] = source is { } src ? Reference(cache, src.Kind, src.Namespace, src.Name) : null,
            // A source's consumers, or the other consumers of an applier's source.
            ["consumers"] = Rows(cache.Objects().Where(o => FluxObjects.TrySourceOf(o.Kind, o.Object) is { } r &&
                (r.Kind.Kind, r.Namespace, r.Name) == sourceRef && !(o.Kind == kind && FluxObjects.Namespace(o.Object) == ns &&
                FluxObjects.Name(o.Object) == name))),
            ["dependsOn"] = new JsonArray(DependsOn(kind, obj).Select(d => (JsonNode?)Reference(cache, d.Kind, d.Namespace, d.Name)).ToArray()),
            ["dependents"] = Rows(cache.Objects().Where(o => DependsOn(o.Kind, o.Object).Contains((kind, ns, name)))),
            ["inventory"] = kind.IsSource ? new JsonArray() : Tree(await InventoryTree.BuildAsync(kube, kind, ns, name, ct)),
        };
        try
        {
            details["events"] = await EventsAsync(kube, kind, ns, name, ct);
        }
        catch (KubeApiException e)
        {
            // Tide may not be allowed to list Events (an older ClusterRole): the page says so instead of failing.
            details["events"] = new JsonArray();
            details["eventsError"] = e.ApiMessage;
        }
        return details;
    }

    /// <summary>spec.dependsOn: entries of the object's own kind unless they name another applier kind.</summary>
    private static IEnumerable<(FluxKind Kind, string Namespace, string Name)> DependsOn(FluxKind kind, JsonObject obj)
    {
        foreach (var entry in (obj["spec"]?["dependsOn"] as JsonArray ?? []).OfType<JsonObject>())
        {
            if (entry["name"]?.GetValue<string>() is not { Length: > 0 } name)
                continue;
            var dependencyKind = entry["kind"]?.GetValue<string>() is { } k ? FluxKind.ByKindName(k) : kind;
            if (dependencyKind is not null)
                yield return (dependencyKind, entry["namespace"]?.GetValue<string>() ?? FluxObjects.Namespace(obj), name);
        }
    }

    /// <summary>A referenced object with its row, or marked missing.</summary>
    private static JsonObject Reference(FluxObjectCache cache, FluxKind kind, string ns, string name) =>
        cache.Find(kind, ns, name) is { } found
            ? JsonSerializer.SerializeToNode(StatusRow.Of(kind, found), Web)!.AsObject()
            : new JsonObject { ["kind"] = kind.Kind, ["namespace"] = ns, ["name"] = name, ["missing"] = true };

    private static JsonArray Rows(IEnumerable<(FluxKind Kind, JsonObject Object)> objects) =>
        new(objects.Select(o => JsonSerializer.SerializeToNode(StatusRow.Of(o.Kind, o.Object), Web))
            .OrderBy(r => r!["kind"]!.GetValue<string>(), StringComparer.Ordinal)
            .ThenBy(r => r!["namespace"]!.GetValue<string>(), StringComparer.Ordinal)
            .ThenBy(r => r!["name"]!.GetValue<string>(), StringComparer.Ordinal).ToArray());

    private static JsonArray Tree(IReadOnlyList<InventoryTree.Node> nodes) => new(nodes.Select(n => (JsonNode?)new JsonObject
    {
        ["apiVersion"] = n.Object.ApiVersion,
        ["kind"] = n.Object.Kind,
        ["namespace"] = n.Object.Namespace,
        ["name"] = n.Object.Name,
        ["children"] = Tree(n.Children),
    }).ToArray());

    /// <summary>The object's Events, as `tide events --for Kind/name` lists them (oldest first), the latest ones.</summary>
    private static async Task<JsonArray> EventsAsync(KubeClient kube, FluxKind kind, string ns, string name, CancellationToken ct)
    {
        var events = (await kube.ListAsync("v1", "Event", ns, null, ct)).Items
            .Where(e => e["involvedObject"]?["kind"]?.GetValue<string>() == kind.Kind &&
                        e["involvedObject"]?["name"]?.GetValue<string>() == name)
            .OrderBy(EventsCommand.LastSeen).TakeLast(MaxEvents);
        return new JsonArray(events.Select(e => (JsonNode?)new JsonObject
        {
            ["lastSeen"] = EventsCommand.LastSeen(e).ToString("u", System.Globalization.CultureInfo.InvariantCulture),
            ["type"] = e["type"]?.DeepClone(),
            ["reason"] = e["reason"]?.DeepClone(),
            ["message"] = e["message"]?.DeepClone(),
            ["count"] = e["count"]?.DeepClone(),
        }).ToArray());
    }
}
