using System.Text.Json.Nodes;
using Tide.Engine.Health;
using Tide.Engine.Kube;
using Tide.Engine.Yaml;

namespace Tide.Engine.HelmReleases;

/// <summary>
/// Runs a release's hooks for one event as Helm does: by weight, then name; each created after its
/// before-hook-creation predecessor is gone, awaited until complete (kstatus: a Job completes, a Pod succeeds), and
/// deleted afterwards as its hook-delete-policy says (hook-succeeded, hook-failed).
/// </summary>
public sealed class HookRunner(KubeClient kube, HelmReleaseReconcilerOptions options)
{
    /// <summary>Runs the hooks of <paramref name="hookEvent"/>; returns the hooks with their last run recorded.</summary>
    /// <exception cref="HookFailedException">A hook failed or timed out.</exception>
    public async Task<IReadOnlyList<ReleaseHook>> RunAsync(IReadOnlyList<ReleaseHook> hooks, string hookEvent, string @namespace,
        TimeSpan timeout, CancellationToken ct)
    {
        var result = hooks.ToList();
        var selected = hooks.Select((h, i) => (Hook: h, Index: i))
            .Where(x => x.Hook.Events.Contains(hookEvent))
            .OrderBy(x => x.Hook.Weight).ThenBy(x => x.Hook.Name, StringComparer.Ordinal)
            .ToList();
        foreach (var (hook, index) in selected)
        {
            var obj = ObjectOf(hook, @namespace);
            var target = ObjectRef.Of(obj);
            if (hook.DeletePolicies?.Contains("before-hook-creation") != false)
                await DeleteAndWaitAsync(target, timeout, ct);
            var started = ReleaseCodec.Time(options.Time.GetUtcNow());
            result[index] = hook with { LastRun = new HookExecution { StartedAt = started, Phase = "Running" } };
            await kube.ApplyAsync(obj, new ApplyOptions { FieldManager = options.FieldManager, Force = true }, ct);
            var outcome = await AwaitAsync(target, timeout, ct);
            var phase = outcome is null ? "Succeeded" : "Failed";
            result[index] = hook with { LastRun = new HookExecution { StartedAt = started, CompletedAt = ReleaseCodec.Time(options.Time.GetUtcNow()), Phase = phase } };
            var policy = outcome is null ? "hook-succeeded" : "hook-failed";
            if (hook.DeletePolicies?.Contains(policy) == true)
                await kube.DeleteAsync(target, "Background", ct);
            if (outcome is not null)
                throw new HookFailedException($"{hookEvent} hook {hook.Path} failed: {target}: {outcome}");
        }
        return result;
    }

    /// <summary>Null when the hook completed; else why it did not.</summary>
    private async Task<string?> AwaitAsync(ObjectRef target, TimeSpan timeout, CancellationToken ct)
    {
        var checker = new HealthChecker((t, token) => kube.GetAsync(t, token), options.Time, []);
        var deadline = options.Time.GetUtcNow() + timeout;
        while (true)
        {
            var report = await checker.CheckAsync([target], ct);
            var health = report.Objects[0];
            if (health.Status == HealthStatus.Current)
                return null;
            if (health.Status == HealthStatus.Failed)
                return health.Message;
            if (options.Time.GetUtcNow() >= deadline)
                return $"timed out waiting for the condition ({health.Message})";
            await Task.Delay(options.HookPoll, options.Time, ct);
        }
    }

    private async Task DeleteAndWaitAsync(ObjectRef target, TimeSpan timeout, CancellationToken ct)
    {
        if (!await kube.DeleteAsync(target, "Foreground", ct))
            return;
        var deadline = options.Time.GetUtcNow() + timeout;
        while (await kube.GetAsync(target, ct) is not null && options.Time.GetUtcNow() < deadline)
            await Task.Delay(options.HookPoll, options.Time, ct);
    }

    public static JsonObject ObjectOf(ReleaseHook hook, string @namespace)
    {
        var obj = YamlJson.Parse(hook.Manifest) as JsonObject ?? throw new HookFailedException($"hook {hook.Path} is not an object");
        var metadata = obj["metadata"] as JsonObject ?? (JsonObject)(obj["metadata"] = new JsonObject());
        metadata["namespace"] ??= @namespace;
        return obj;
    }
}
