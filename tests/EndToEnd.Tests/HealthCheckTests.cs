using Tide.Testing;

namespace Tide.EndToEnd.Tests;

/// <summary>wait / healthChecks judged by kstatus rules against the API server's simulated workloads: healthy, failed
/// early (a stalled Deployment), and timed out; waiting holds no worker (scheduled ticks).</summary>
public sealed class HealthCheckTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private static Task<string?> ReadyAsync(TideEnvironment env, string name) =>
        env.Kubectl.JsonPathAsync("kustomization/" + name, "flux-system",
            "{.status.conditions[?(@.type==\"Ready\")].status}|{.status.conditions[?(@.type==\"Ready\")].reason}|{.status.conditions[?(@.type==\"Ready\")].message}");

    [Fact]
    public async Task Wait_IsHealthy_FailsEarlyOnAStalledDeployment_AndTimesOut()
    {
        await using var env = await TideEnvironment.StartAsync();
        var repo = await env.CreateRepositoryAsync("health");
        repo.Write("good/web.yaml", Manifests.Deployment("default", "web", 2));
        repo.Write("bad/web.yaml", Manifests.Deployment("default", "stuck", 1)
            .Replace("metadata:\n  name: stuck\n", "metadata:\n  name: stuck\n  annotations:\n    tide.dev/simulate: fail\n"));
        repo.Write("slow/set.yaml", """
            apiVersion: apps/v1
            kind: StatefulSet
            metadata:
              name: slow
              namespace: default
              annotations:
                tide.dev/simulate: fail
            spec:
              replicas: 1
              serviceName: slow
              selector:
                matchLabels: {app: slow}
              template:
                metadata:
                  labels: {app: slow}
                spec:
                  containers:
                  - name: app
                    image: nginx:1.27
            """);
        var commit = await repo.CommitAndPushAsync("workloads");
        await env.Kubectl.ApplyAsync(Manifests.FluxSystem);
        await env.Kubectl.ApplyAsync(Manifests.GitRepository("health", env.Git.RepositoryUrl("health")));
        await env.Kubectl.ApplyAsync(Manifests.Kustomization("good", "health", "./good") + "\n  wait: true\n  timeout: 30s\n");
        await env.Kubectl.ApplyAsync(Manifests.Kustomization("bad", "health", "./bad") + "\n  wait: true\n  timeout: 5m\n");
        await env.Kubectl.ApplyAsync(Manifests.Kustomization("slow", "health", "./slow") +
            "\n  timeout: 5s\n  healthChecks:\n  - apiVersion: apps/v1\n    kind: StatefulSet\n    name: slow\n    namespace: default\n");

        await SingleNodeTests.WaitForAppliedRevisionAsync(env, "good", $"main@sha1:{commit}");
        Assert.Equal("True", await env.Kubectl.JsonPathAsync("kustomization/good", "flux-system",
            "{.status.conditions[?(@.type==\"Healthy\")].status}"));

        // A stalled Deployment ends the 5-minute wait early, naming the object.
        var bad = await Eventually.WaitAsync(() => ReadyAsync(env, "bad"), s => s?.StartsWith("False|HealthCheckFailed", StringComparison.Ordinal) == true,
            Timeout, "the stalled Deployment to fail the health check");
        Assert.Contains("Deployment/default/stuck", bad);
        Assert.Contains("Failed", bad);

        // A StatefulSet that never becomes ready times out after 5s.
        var slow = await Eventually.WaitAsync(() => ReadyAsync(env, "slow"), s => s?.StartsWith("False|HealthCheckFailed", StringComparison.Ordinal) == true,
            Timeout, "the health check timeout");
        Assert.Contains("timeout waiting for", slow);
        Assert.Contains("StatefulSet/default/slow", slow);
    }
}
