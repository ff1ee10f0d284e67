using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text.Json.Nodes;
using Tide.Actors.Sharding;

namespace Tide.Actors.Cluster;

/// <summary>
/// The process's metrics, exported on /metrics by each node: Flux's gotk_reconcile_duration_seconds,
/// gotk_reconcile_condition and gotk_suspend_status with Flux's labels, plus Tide's own entity count per kind and
/// reconcile outcomes. Entities report here; the gauges read the last state each entity saw.
/// </summary>
public static class TideMetrics
{
    public const string MeterName = "Tide";

    private static readonly Meter Meter = new(MeterName);

    /// <summary>Prometheus' default buckets, as controller-runtime's histograms use.</summary>
    private static readonly Histogram<double> ReconcileDuration = Meter.CreateHistogram<double>(
        "gotk_reconcile_duration_seconds", unit: null, "The duration in seconds of a reconcile.", tags: null,
        new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] });

    private static readonly Counter<long> Reconciles = Meter.CreateCounter<long>(
        "tide_reconciles", description: "Reconciles by kind and outcome (success or failure).");

    private static readonly UpDownCounter<long> Entities = Meter.CreateUpDownCounter<long>(
        "tide_entities", description: "Entities running on this node, by kind.");

    /// <summary>The Ready status and suspend flag each entity last saw, by entity id.</summary>
    private static readonly ConcurrentDictionary<string, (string? Ready, bool Suspended)> States = new(StringComparer.Ordinal);

    private static readonly string[] ConditionStatuses = ["True", "False", "Unknown"];

    static TideMetrics()
    {
        Meter.CreateObservableGauge("gotk_reconcile_condition", () => States.SelectMany(s =>
                s.Value.Ready is null ? [] : ConditionStatuses.Select(status => new Measurement<double>(
                    status == s.Value.Ready ? 1 : 0, Labels(s.Key, ("type", "Ready"), ("status", status))))),
            description: "The current condition status of a GitOps Toolkit resource reconciliation.");
        Meter.CreateObservableGauge("gotk_suspend_status", () => States.Select(s =>
                new Measurement<double>(s.Value.Suspended ? 1 : 0, Labels(s.Key))),
            description: "The current suspend status of a GitOps Toolkit resource.");
    }

    public static void EntityStarted(string entityId) => Entities.Add(1, new KeyValuePair<string, object?>("kind", EntityId.KindOf(entityId)));

    public static void EntityStopped(string entityId)
    {
        Entities.Add(-1, new KeyValuePair<string, object?>("kind", EntityId.KindOf(entityId)));
        States.TryRemove(entityId, out _);
    }

    /// <summary>The entity's copy of its object changed: its Ready condition and suspend flag.</summary>
    public static void Observe(string entityId, JsonObject obj)
    {
        var ready = (obj["status"]?["conditions"] as JsonArray ?? [])
            .OfType<JsonObject>()
            .FirstOrDefault(c => c["type"]?.GetValue<string>() == "Ready")?["status"]?.GetValue<string>();
        States[entityId] = (ready, obj["spec"]?["suspend"]?.GetValue<bool>() ?? false);
    }

    public static void Reconciled(string entityId, TimeSpan duration, bool succeeded)
    {
        ReconcileDuration.Record(duration.TotalSeconds, Labels(entityId));
        Reconciles.Add(1, new TagList
        {
            { "kind", EntityId.KindOf(entityId) },
            { "outcome", succeeded ? "success" : "failure" },
        });
    }

    private static TagList Labels(string entityId, params (string Key, string Value)[] extra)
    {
        var (kind, ns, name) = EntityId.Parse(entityId);
        var tags = new TagList { { "kind", kind }, { "name", name }, { "namespace", ns } };
        foreach (var (key, value) in extra)
            tags.Add(key, value);
        return tags;
    }
}
