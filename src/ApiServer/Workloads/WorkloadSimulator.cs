using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Tide.ApiServer.Resources;
using Tide.ApiServer.Semantics;
using Tide.ApiServer.Serialization;
using Tide.ApiServer.Storage;

namespace Tide.ApiServer.Workloads;

/// <summary>Plays the controllers a real cluster runs (like kwok): after a delay, Deployments, StatefulSets,
/// DaemonSets and ReplicaSets report all replicas ready and available, Jobs complete, PersistentVolumeClaims become
/// Bound. The annotation <c>tide.dev/simulate: fail</c> makes a Deployment stall with ProgressDeadlineExceeded
/// (others never become ready) and a Job fail with BackoffLimitExceeded. Status is written through the status
/// subresource by the field manager "tide-workload-simulator".</summary>
internal sealed class WorkloadSimulator : IAsyncDisposable
{
    public const string Annotation = "tide.dev/simulate";
    private const string Manager = "tide-workload-simulator";
    private static readonly HashSet<string> Simulated =
        ["deployments.apps", "statefulsets.apps", "daemonsets.apps", "replicasets.apps", "jobs.batch", "persistentvolumeclaims"];

    private readonly ResourceOperations _operations;
    private readonly ResourceCatalog _catalog;
    private readonly TimeProvider _time;
    private readonly TimeSpan _delay;
    private readonly ConcurrentDictionary<(string, string), bool> _scheduled = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly WatchSubscription _events;
    private readonly Task _loop;

    public WorkloadSimulator(ResourceOperations operations, ResourceCatalog catalog, TimeProvider time, TimeSpan delay)
    {
        _operations = operations;
        _catalog = catalog;
        _time = time;
        _delay = delay;
        _events = operations.Store.Watch("*", null, bookmarks: false, out var snapshot);
        foreach (var o in snapshot.All.Where(o => Simulated.Contains(o.Storage))) Schedule(o);
        _loop = Task.Run(RunAsync);
    }

    private async Task RunAsync()
    {
        try
        {
            await foreach (var e in _events.Events.ReadAllAsync(_stop.Token))
            {
                if (e.Type != WatchEvent.Deleted && Simulated.Contains(e.Object!.Storage)) Schedule(e.Object);
            }
        }
        catch (OperationCanceledException)
        {
            // stopping
        }
    }

    private void Schedule(StoredObject o)
    {
        var key = (o.Storage, o.Key);
        if (!_scheduled.TryAdd(key, true)) return;
        _ = Task.Run(async () =>
        {
            try
            {
                if (_delay > TimeSpan.Zero) await Task.Delay(_delay, _time, _stop.Token);
                _scheduled.TryRemove(key, out _);
                Reconcile(o.Storage, o.Namespace, o.Name);
            }
            catch (OperationCanceledException)
            {
                // stopping
            }
            catch (Http.ApiException)
            {
                // The object went away (or its namespace is terminating) before its status was written.
            }
        });
    }

    private void Reconcile(string storage, string? ns, string name)
    {
        var type = _catalog.FindStorage(storage);
        if (type is null) return;
        _operations.Patch(new WriteContext(type, ns, Manager), name, "status", live =>
        {
            if (live.Metadata()["deletionTimestamp"] is not null) return live;
            var fail = live.Metadata()["annotations"].Str(Annotation) == "fail";
            var now = Timestamps.Format(_time.GetUtcNow());
            var status = live.Obj("status");
            var generation = live.Metadata()["generation"]?.GetValue<long>() ?? 1;
            var replicas = live["spec"]?["replicas"]?.GetValue<long>() ?? 1;
            switch (storage)
            {
                case "deployments.apps":
                    DeploymentStatus(status, name, generation, replicas, fail, now);
                    break;
                case "statefulsets.apps":
                    ReplicaCounts(status, generation, replicas, fail, "readyReplicas", "availableReplicas", "currentReplicas", "updatedReplicas");
                    status["currentRevision"] = $"{name}-{generation:x}";
                    status["updateRevision"] = $"{name}-{generation:x}";
                    status["collisionCount"] = 0;
                    break;
                case "replicasets.apps":
                    ReplicaCounts(status, generation, replicas, fail, "fullyLabeledReplicas", "readyReplicas", "availableReplicas");
                    break;
                case "daemonsets.apps":
                    // One simulated node.
                    status["observedGeneration"] = generation;
                    status["desiredNumberScheduled"] = 1;
                    status["currentNumberScheduled"] = 1;
                    status["updatedNumberScheduled"] = 1;
                    status["numberMisscheduled"] = 0;
                    status["numberReady"] = fail ? 0 : 1;
                    status["numberAvailable"] = fail ? 0 : 1;
                    if (fail) status["numberUnavailable"] = 1;
                    break;
                case "jobs.batch":
                    JobStatus(live, status, fail, now);
                    break;
                case "persistentvolumeclaims":
                    if (fail) return live;
                    status["phase"] = "Bound";
                    status["accessModes"] = live["spec"]?["accessModes"]?.DeepClone();
                    status["capacity"] = live["spec"]?["resources"]?["requests"]?.DeepClone();
                    break;
            }
            return live;
        });
    }

    private static void ReplicaCounts(JsonObject status, long generation, long replicas, bool fail, params string[] readyFields)
    {
        status["observedGeneration"] = generation;
        status["replicas"] = replicas;
        foreach (var field in readyFields) status[field] = field is "fullyLabeledReplicas" or "currentReplicas" or "updatedReplicas" || !fail ? replicas : 0;
    }

    private static void DeploymentStatus(JsonObject status, string name, long generation, long replicas, bool fail, string now)
    {
        if (status["observedGeneration"]?.GetValue<long>() == generation && status["replicas"]?.GetValue<long>() == replicas) return;
        status["observedGeneration"] = generation;
        status["replicas"] = replicas;
        status["updatedReplicas"] = replicas;
        var replicaSet = $"{name}-{generation:x}";
        if (fail)
        {
            status.Remove("readyReplicas");
            status.Remove("availableReplicas");
            status["unavailableReplicas"] = replicas;
            status["conditions"] = new JsonArray(
                Condition("Available", "False", "MinimumReplicasUnavailable", "Deployment does not have minimum availability.", now),
                Condition("Progressing", "False", "ProgressDeadlineExceeded", $"ReplicaSet \"{replicaSet}\" has timed out progressing.", now));
            return;
        }
        status["readyReplicas"] = replicas;
        status["availableReplicas"] = replicas;
        status.Remove("unavailableReplicas");
        status["conditions"] = new JsonArray(
            Condition("Available", "True", "MinimumReplicasAvailable", "Deployment has minimum availability.", now),
            Condition("Progressing", "True", "NewReplicaSetAvailable", $"ReplicaSet \"{replicaSet}\" has successfully progressed.", now));
    }

    private static void JobStatus(JsonObject job, JsonObject status, bool fail, string now)
    {
        var conditions = status["conditions"] as JsonArray;
        if (job["spec"]?["suspend"]?.GetValue<bool>() == true
            || conditions?.Any(c => c.Str("type") is "Complete" or "Failed") == true)
        {
            return;
        }
        status["startTime"] ??= now;
        status["active"] = 0;
        status["ready"] = 0;
        status["terminating"] = 0;
        status["uncountedTerminatedPods"] = new JsonObject();
        if (fail)
        {
            status["failed"] = (job["spec"]?["backoffLimit"]?.GetValue<long>() ?? 6) + 1;
            status["conditions"] = new JsonArray(
                Condition("FailureTarget", "True", "BackoffLimitExceeded", "Job has reached the specified backoff limit", now),
                Condition("Failed", "True", "BackoffLimitExceeded", "Job has reached the specified backoff limit", now));
            return;
        }
        status["succeeded"] = job["spec"]?["completions"]?.GetValue<long>() ?? 1;
        status["completionTime"] = now;
        status["conditions"] = new JsonArray(
            Condition("SuccessCriteriaMet", "True", "CompletionsReached", "Reached expected number of succeeded pods", now),
            Condition("Complete", "True", "CompletionsReached", "Reached expected number of succeeded pods", now));
    }

    private static JsonObject Condition(string type, string value, string reason, string message, string now) => new()
    {
        ["type"] = type,
        ["status"] = value,
        ["lastUpdateTime"] = now,
        ["lastTransitionTime"] = now,
        ["reason"] = reason,
        ["message"] = message,
    };

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _events.Dispose();
        await _loop;
        _stop.Dispose();
    }
}
