using System.Text.Json.Nodes;

namespace Tide.Engine.Health;

/// <summary>Computes an object's status by the rules of kstatus (sigs.k8s.io/cli-utils/pkg/kstatus), which Flux uses
/// for health checks: first the generic rules (deletion, observedGeneration, Reconciling/Stalled conditions), then
/// the rules of its kind; an object of an unknown kind that passes the generic rules is Current.</summary>
public static class Kstatus
{
    private static readonly HealthResult AlwaysReady = HealthResult.Current("Resource is always ready");

    private static readonly Dictionary<string, Func<JsonObject, DateTimeOffset, HealthResult>> KindRules = new()
    {
        ["apps/Deployment"] = (o, _) => WorkloadRules.Deployment(o),
        ["extensions/Deployment"] = (o, _) => WorkloadRules.Deployment(o),
        ["apps/StatefulSet"] = (o, _) => WorkloadRules.StatefulSet(o),
        ["apps/DaemonSet"] = (o, _) => WorkloadRules.DaemonSet(o),
        ["extensions/DaemonSet"] = (o, _) => WorkloadRules.DaemonSet(o),
        ["apps/ReplicaSet"] = (o, _) => WorkloadRules.ReplicaSet(o),
        ["extensions/ReplicaSet"] = (o, _) => WorkloadRules.ReplicaSet(o),
        ["batch/Job"] = (o, _) => WorkloadRules.Job(o),
        ["Pod"] = WorkloadRules.Pod,
        ["PersistentVolumeClaim"] = (o, _) => CoreRules.PersistentVolumeClaim(o),
        ["Service"] = (o, _) => CoreRules.Service(o),
        ["Namespace"] = (o, _) => CoreRules.Namespace(o),
        ["apiextensions.k8s.io/CustomResourceDefinition"] = (o, _) => CoreRules.CustomResourceDefinition(o),
        ["policy/PodDisruptionBudget"] = (_, _) => HealthResult.Current("AllowedDisruptions has been computed."),
        ["Secret"] = (_, _) => AlwaysReady,
        ["ConfigMap"] = (_, _) => AlwaysReady,
        ["batch/CronJob"] = (_, _) => AlwaysReady,
    };

    /// <summary>The status of <paramref name="obj"/>; <paramref name="now"/> decides whether a Pod has waited
    /// long enough to be called unschedulable.</summary>
    public static HealthResult Compute(JsonObject obj, DateTimeOffset now) =>
        Generic(obj) ?? ForKind(obj, now);

    /// <summary>The generic rules alone: a result when they decide, null when the kind's rules must.</summary>
    internal static HealthResult? Generic(JsonObject obj)
    {
        if (obj.Str("", "metadata", "deletionTimestamp").Length > 0)
            return new HealthResult(HealthStatus.Terminating, "Resource scheduled for deletion");
        if (GenerationNotObserved(obj) is { } behind) return behind;
        foreach (var c in obj.Conditions())
        {
            if (c.Type == "Reconciling" && c.IsTrue) return HealthResult.InProgress(c.Message);
            if (c.Type == "Stalled" && c.IsTrue) return HealthResult.Failed(c.Message);
        }
        return null;
    }

    /// <summary>InProgress when the controller reports an older generation than the object's; null when it is
    /// current or either field is absent (then nothing can be concluded).</summary>
    internal static HealthResult? GenerationNotObserved(JsonObject obj) =>
        obj.IntOrNull("metadata", "generation") is { } generation
        && obj.IntOrNull("status", "observedGeneration") is { } observed
        && observed != generation
            ? HealthResult.InProgress($"{Kind(obj)} generation is {generation}, but latest observed generation is {observed}")
            : null;

    private static HealthResult ForKind(JsonObject obj, DateTimeOffset now)
    {
        var apiVersion = obj.Str("", "apiVersion");
        var slash = apiVersion.IndexOf('/');
        var group = slash < 0 ? "" : apiVersion[..slash];
        if (FluxRules.Applies(group)) return FluxRules.Compute(obj);
        var key = group.Length == 0 ? Kind(obj) : $"{group}/{Kind(obj)}";
        return KindRules.TryGetValue(key, out var rule) ? rule(obj, now) : HealthResult.Current("Resource is current");
    }

    internal static string Kind(JsonObject obj) => obj.Str("", "kind");
}
