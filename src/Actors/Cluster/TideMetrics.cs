using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text.Json.Nodes;
using Tide.Actors.Sharding;

namespace Tide.Actors.Cluster;

/// <summary>
/// The process's metrics, exported on /metrics by each node: Flux's gotk_reconcile_duration_seconds,
/// gotk_reconcile_condition and gotk_suspend_status with Flux's labels, controller-runtime's reconcile and workqueue
/// families (per stage), plus Tide's own entity count per kind, reconcile outcomes, busy workers and cluster members
/// per node. Entities report here; the gauges read the last state each entity saw.
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

    /// <summary>controller-runtime's reconcile metrics, with controller = the kind in lower case.</summary>
    private static readonly Counter<long> ControllerReconciles = Meter.CreateCounter<long>(
        "controller_runtime_reconcile", description: "Total number of reconciliations per controller.");

    private static readonly Counter<long> ControllerErrors = Meter.CreateCounter<long>(
        "controller_runtime_reconcile_errors", description: "Total number of reconciliation errors per controller.");

    private static readonly Histogram<double> ControllerTime = Meter.CreateHistogram<double>(
        "controller_runtime_reconcile_time_seconds", unit: null, "Length of time per reconciliation per controller.", tags: null,
        new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60] });

    /// <summary>How long work waited for a slot of its stage (client-go's workqueue_queue_duration_seconds).</summary>
    private static readonly Histogram<double> StageWait = Meter.CreateHistogram<double>(
        "workqueue_queue_duration_seconds", unit: null, "How long in seconds work waits for a worker of its stage.", tags: null,
        new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.001, 0.01, 0.1, 1, 10, 60] });

    private static readonly ConcurrentDictionary<Handlers.StageLimiter, bool> Stages = new();

    /// <summary>Each node's view of its cluster (members up, unreachable), by node address.</summary>
    private static readonly ConcurrentDictionary<string, Func<(int Up, int Unreachable)>> Clusters = new(StringComparer.Ordinal);

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
        Meter.CreateObservableGauge("workqueue_depth", () => Stages.Keys.Select(s =>
                new Measurement<long>(s.Waiting, new KeyValuePair<string, object?>("name", s.Stage))),
            description: "Work waiting for a worker of its stage (fetch, apply) on this node.");
        Meter.CreateObservableGauge("tide_stage_workers_busy", () => Stages.Keys.Select(s =>
                new Measurement<long>(s.Busy, new KeyValuePair<string, object?>("stage", s.Stage))),
            description: "Workers of a stage busy on this node.");
        Meter.CreateObservableGauge("tide_cluster_members", () => Clusters.SelectMany(c =>
            {
                var (up, unreachable) = c.Value();
                return new[]
                {
                    new Measurement<long>(up, new TagList { { "node", c.Key }, { "status", "up" } }),
                    new Measurement<long>(unreachable, new TagList { { "node", c.Key }, { "status", "unreachable" } }),
                };
            }),
            description: "Members of the Akka cluster as each node sees them: up, and unreachable.");
    }

    /// <summary>Reports a stage's queue until <see cref="ForgetStage"/>.</summary>
    public static void WatchStage(Handlers.StageLimiter stage) => Stages[stage] = true;

    public static void ForgetStage(Handlers.StageLimiter stage) => Stages.TryRemove(stage, out _);

    public static void StageWaited(string stage, TimeSpan waited) =>
        StageWait.Record(waited.TotalSeconds, new KeyValuePair<string, object?>("name", stage));

    /// <summary>Reports a node's view of its cluster until <see cref="ForgetCluster"/>.</summary>
    public static void WatchCluster(string node, Func<(int Up, int Unreachable)> members) => Clusters[node] = members;

    public static void ForgetCluster(string node) => Clusters.TryRemove(node, out _);

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
        var kind = EntityId.KindOf(entityId);
        Reconciles.Add(1, new TagList
        {
            { "kind", kind },
            { "outcome", succeeded ? "success" : "failure" },
        });
        var controller = new KeyValuePair<string, object?>("controller", kind.ToLowerInvariant());
        ControllerReconciles.Add(1, controller, new KeyValuePair<string, object?>("result", succeeded ? "success" : "error"));
        if (!succeeded)
            ControllerErrors.Add(1, controller);
        ControllerTime.Record(duration.TotalSeconds, controller);
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
