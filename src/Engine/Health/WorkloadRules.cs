using System.Globalization;
using System.Text.Json.Nodes;

namespace Tide.Engine.Health;

/// <summary>kstatus's rules for the workload controllers' kinds, judged from the counters and conditions those
/// controllers write under status.</summary>
internal static class WorkloadRules
{
    /// <summary>How long a Pod may stay unschedulable before it counts as Failed (kstatus's ScheduleWindow).</summary>
    public static readonly TimeSpan ScheduleWindow = TimeSpan.FromSeconds(15);

    public static HealthResult Deployment(JsonObject obj)
    {
        // Without progressDeadlineSeconds the controller never writes Progressing, so it cannot be waited for.
        var progressing = obj.IntOrNull("spec", "progressDeadlineSeconds") is null or int.MaxValue;
        var available = false;
        foreach (var c in obj.Conditions())
        {
            if (c.Type == "Progressing")
            {
                if (c.Reason == "ProgressDeadlineExceeded") return HealthResult.Failed("Progress deadline exceeded");
                if (c.IsTrue && c.Reason == "NewReplicaSetAvailable") progressing = true;
            }
            else if (c.Type == "Available" && c.IsTrue)
            {
                available = true;
            }
        }

        var spec = obj.Int(1, "spec", "replicas");
        var replicas = obj.Int(0, "status", "replicas");
        var updated = obj.Int(0, "status", "updatedReplicas");
        var ready = obj.Int(0, "status", "readyReplicas");
        var availableReplicas = obj.Int(0, "status", "availableReplicas");
        if (spec > replicas) return HealthResult.InProgress($"Replicas: {replicas}/{spec}");
        if (spec > updated) return HealthResult.InProgress($"Updated: {updated}/{spec}");
        if (replicas > spec) return HealthResult.InProgress($"Pending termination: {replicas - spec}");
        if (updated > availableReplicas) return HealthResult.InProgress($"Available: {availableReplicas}/{updated}");
        if (spec > ready) return HealthResult.InProgress($"Ready: {ready}/{spec}");
        if (!progressing) return HealthResult.InProgress("ReplicaSet not Available");
        if (!available) return HealthResult.InProgress("Deployment not Available");
        return HealthResult.Current($"Deployment is available. Replicas: {replicas}");
    }

    public static HealthResult StatefulSet(JsonObject obj)
    {
        // With OnDelete the user replaces pods by hand; the controller never converges on its own.
        if (obj.Str("", "spec", "updateStrategy", "type") == "OnDelete")
            return HealthResult.Current("StatefulSet is using the ondelete update strategy");

        var spec = obj.Int(1, "spec", "replicas");
        var replicas = obj.Int(0, "status", "replicas");
        var ready = obj.Int(0, "status", "readyReplicas");
        var current = obj.Int(0, "status", "currentReplicas");
        var updated = obj.Int(0, "status", "updatedReplicas");
        if (spec > replicas) return HealthResult.InProgress($"Replicas: {replicas}/{spec}");
        if (spec > ready) return HealthResult.InProgress($"Ready: {ready}/{spec}");
        if (replicas > spec) return HealthResult.InProgress($"Pending termination: {replicas - spec}");

        if (obj.IntOrNull("spec", "updateStrategy", "rollingUpdate", "partition") is { } partition)
        {
            // A partitioned rollout only updates the ordinals at or above the partition.
            return updated < spec - partition
                ? HealthResult.InProgress($"updated: {updated}/{spec - partition}")
                : HealthResult.Current($"Partition rollout complete. updated: {updated}");
        }
        if (spec > current) return HealthResult.InProgress($"current: {current}/{spec}");
        if (obj.Str("", "status", "currentRevision") != obj.Str("", "status", "updateRevision"))
            return HealthResult.InProgress("Waiting for updated revision to match current");
        return HealthResult.Current($"All replicas scheduled as expected. Replicas: {replicas}");
    }

    public static HealthResult DaemonSet(JsonObject obj)
    {
        // The generic rules skip the generation check when a field is missing; a DaemonSet the controller has seen
        // always has both, so a missing one means it has not been seen yet.
        if (obj.IntOrNull("metadata", "generation") is null)
            return HealthResult.InProgress("DaemonSet metadata.generation not found");
        if (obj.IntOrNull("status", "observedGeneration") is null)
            return HealthResult.InProgress("DaemonSet status.observedGeneration not found");

        if (obj.IntOrNull("status", "desiredNumberScheduled") is not { } desired)
            return HealthResult.InProgress("Missing .status.desiredNumberScheduled");
        var current = obj.Int(0, "status", "currentNumberScheduled");
        var updated = obj.Int(0, "status", "updatedNumberScheduled");
        var available = obj.Int(0, "status", "numberAvailable");
        var ready = obj.Int(0, "status", "numberReady");
        if (desired > current) return HealthResult.InProgress($"Current: {current}/{desired}");
        if (desired > updated) return HealthResult.InProgress($"Updated: {updated}/{desired}");
        if (desired > available) return HealthResult.InProgress($"Available: {available}/{desired}");
        if (desired > ready) return HealthResult.InProgress($"Ready: {ready}/{desired}");
        return HealthResult.Current($"All replicas scheduled as expected. Replicas: {desired}");
    }

    public static HealthResult ReplicaSet(JsonObject obj)
    {
        if (obj.Conditions().Any(c => c.Type == "ReplicaFailure" && c.IsTrue))
            return HealthResult.InProgress("Replica Failure condition. Check Pods");

        var spec = obj.Int(1, "spec", "replicas");
        var replicas = obj.Int(0, "status", "replicas");
        var ready = obj.Int(0, "status", "readyReplicas");
        var available = obj.Int(0, "status", "availableReplicas");
        var labeled = obj.Int(0, "status", "fullyLabeledReplicas");
        if (spec > labeled) return HealthResult.InProgress($"Labelled: {labeled}/{spec}");
        if (spec > available) return HealthResult.InProgress($"Available: {available}/{spec}");
        if (spec > ready) return HealthResult.InProgress($"Ready: {ready}/{spec}");
        if (replicas > spec) return HealthResult.InProgress($"Pending termination: {replicas - spec}");
        return HealthResult.Current($"ReplicaSet is available. Replicas: {replicas}");
    }

    public static HealthResult Job(JsonObject obj)
    {
        var parallelism = obj.Int(1, "spec", "parallelism");
        var completions = obj.Int(parallelism, "spec", "completions");
        var succeeded = obj.Int(0, "status", "succeeded");
        var active = obj.Int(0, "status", "active");
        var failed = obj.Int(0, "status", "failed");
        foreach (var c in obj.Conditions().Where(c => c.IsTrue))
        {
            switch (c.Type)
            {
                case "Complete":
                    return HealthResult.Current($"Job Completed. succeeded: {succeeded}/{completions}");
                case "Failed":
                    return HealthResult.Failed($"Job Failed. failed: {failed}/{completions}");
                case "Suspended":
                    return HealthResult.Current("Job is suspended");
            }
        }
        // A started Job counts as Current while it runs: kstatus waits for it to be created, not to finish.
        return obj.Str("", "status", "startTime").Length == 0
            ? HealthResult.InProgress("Job not started")
            : HealthResult.Current($"Job in progress. success:{succeeded}, active: {active}, failed: {failed}");
    }

    public static HealthResult Pod(JsonObject obj, DateTimeOffset now)
    {
        switch (obj.Str("", "status", "phase"))
        {
            case "Succeeded":
                return HealthResult.Current("Pod has completed successfully");
            case "Failed":
                return HealthResult.Current("Pod has completed, but not successfully");
            case "Running":
                if (obj.Condition("Ready")?.IsTrue == true) return HealthResult.Current("Pod is Ready");
                var crashLooping = CrashLoopingContainers(obj);
                return crashLooping.Count > 0
                    ? HealthResult.Failed($"Containers in CrashLoop state: {string.Join(',', crashLooping)}")
                    : HealthResult.InProgress("Pod is running but is not Ready");
            case "Pending":
                var scheduled = obj.Condition("PodScheduled");
                if (scheduled is { IsFalse: true, Reason: "Unschedulable" })
                {
                    return now - ScheduleWindow < Created(obj)
                        ? HealthResult.InProgress("Pod has not been scheduled")
                        : HealthResult.Failed("Pod could not be scheduled");
                }
                return HealthResult.InProgress("Pod is in the Pending phase");
            case "":
                return HealthResult.InProgress("Pod phase not available");
            case var phase:
                return new HealthResult(HealthStatus.Unknown, $"unknown phase {phase}");
        }
    }

    private static DateTimeOffset Created(JsonObject obj) =>
        DateTimeOffset.TryParse(obj.Str("", "metadata", "creationTimestamp"), CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal, out var created)
            ? created
            : DateTimeOffset.MinValue;

    private static List<string> CrashLoopingContainers(JsonObject obj) =>
        obj.At("status", "containerStatuses") is JsonArray statuses
            ? statuses.OfType<JsonObject>()
                .Where(s => s.Str("", "state", "waiting", "reason") == "CrashLoopBackOff")
                .Select(s => s.Str("", "name"))
                .Where(name => name.Length > 0)
                .ToList()
            : [];
}
