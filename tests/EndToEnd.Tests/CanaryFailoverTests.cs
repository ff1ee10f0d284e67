using System.Diagnostics;
using System.Net;
using Tide.ApiServer;
using Tide.Testing;

namespace Tide.EndToEnd.Tests;

/// <summary>
/// A Canary in the middle of its analysis when the node running it is killed with SIGKILL: its entity restarts on a
/// survivor, which reads where the analysis stood from the Canary's status and the HTTPRoute's weights, and goes on
/// from there (failed checks keep counting, the weight stays), instead of starting over.
/// </summary>
public sealed class CanaryFailoverTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);
    private const string Ns = CanaryManifests.Namespace;

    [Fact]
    public async Task KilledNode_MidAnalysis_TheCanaryResumesFromItsStatus()
    {
        using var dir = new TempDirectory("tide-canary-failover-");
        await using var apiServer = await ApiServerHost.StartAsync(new ApiServerOptions { WorkloadDelay = TimeSpan.FromMilliseconds(200) });
        var kubeconfig = apiServer.WriteKubeconfig(dir.Combine("kubeconfig"));
        var kubectl = new Kubectl(kubeconfig);
        await using var hooks = AnalysisServer.Start(Ns, "podinfo-7f8d9c6b5-x2k4m");
        var remotingPorts = Enumerable.Range(0, 3).Select(_ => FreePort.Next()).ToArray();
        var seeds = string.Join(", ", remotingPorts.Take(2).Select(p => $"\"akka.tcp://tide@127.0.0.1:{p}\""));
        var nodes = new List<Process>();
        var output = new List<string>[3];
        try
        {
            for (var n = 0; n < 3; n++)
            {
                var config = dir.Combine($"node{n}.conf");
                await File.WriteAllTextAsync(config, $$"""
                    akka.loglevel = WARNING
                    akka.remote.dot-netty.tcp.port = {{remotingPorts[n]}}
                    akka.cluster.seed-nodes = [{{seeds}}]
                    tide.artifacts.directory = "{{dir.Combine($"node{n}")}}"
                    tide.webhooks.port = 0
                    tide.metrics.port = 0
                    tide.ui.enabled = off
                    tide.jitter = 0
                    tide.canary.min-analysis-interval = 1s
                    """);
                nodes.Add(FailoverTests.StartNode(kubeconfig, config, output[n] = []));
            }
            for (var n = 0; n < 3; n++)
            {
                var lines = output[n];
                await Eventually.WaitAsync(() => Task.FromResult(FailoverTests.Count(lines, "tide: member up")), c => c >= 3,
                    TimeSpan.FromSeconds(60), $"node {n} to see three members");
            }
            await Eventually.WaitAsync(() => kubectl.JsonPathAsync("crd/canaries.flagger.app", null, "{.metadata.name}"),
                name => name is not null, TimeSpan.FromSeconds(60), "Tide's CRDs");
            await kubectl.ApplyAsync(GatewayApiCrds.HttpRoute);
            await kubectl.ApplyAsync(CanaryManifests.Deployment());
            await kubectl.ApplyAsync(CanaryManifests.Canary($"""
                    interval: 1s
                    threshold: 100
                    maxWeight: 50
                    stepWeight: 10
                    webhooks:
                      - name: check
                        type: rollout
                        url: {hooks.HookUrl("check")}
                """));
            await Eventually.WaitAsync(() => Phase(kubectl), p => p == "Initialized", Timeout, "the canary to initialize");

            // Mid-analysis: the weight has moved, then the rollout check says no and failed checks pile up.
            await kubectl.RunAsync("set", "image", "deployment/podinfo", "podinfod=ghcr.io/stefanprodan/podinfo:6.0.1", "-n", Ns);
            await Eventually.WaitAsync(() => CanaryWeightAsync(kubectl), w => w >= 20, Timeout, "the canary weight to reach 20");
            hooks.Answer("check", HttpStatusCode.InternalServerError);
            var failedBefore = await Eventually.WaitAsync(() => FailedChecksAsync(kubectl), f => f >= 2, Timeout, "two failed checks");
            var weight = await CanaryWeightAsync(kubectl);
            var owner = Array.FindIndex(output, RanTheCheck);
            Assert.True(owner >= 0, "no node reported running the canary");
            nodes[owner].Kill(entireProcessTree: true);

            // A survivor takes over: the count goes on from where it stood, the weight is kept.
            var failedAfter = await Eventually.WaitAsync(
                async () => output.Where((_, i) => i != owner).Any(RanTheCheck) ? await FailedChecksAsync(kubectl) : -1,
                f => f > failedBefore, Timeout, "a survivor to count failed checks");
            Assert.True(failedAfter > failedBefore, $"failed checks restarted: {failedBefore} before, {failedAfter} after");
            Assert.True(await CanaryWeightAsync(kubectl) >= weight);
            Assert.Equal("Progressing", await Phase(kubectl));

            hooks.Answer("check", HttpStatusCode.OK);
            await Eventually.WaitAsync(() => Phase(kubectl), p => p == "Succeeded", Timeout, "the promotion");
            Assert.Equal("ghcr.io/stefanprodan/podinfo:6.0.1",
                await kubectl.JsonPathAsync("deployment/podinfo-primary", Ns, "{.spec.template.spec.containers[0].image}"));
        }
        finally
        {
            foreach (var node in nodes.Where(p => !p.HasExited))
                node.Kill(entireProcessTree: true);
            foreach (var node in nodes)
                node.Dispose();
        }
    }

    /// <summary>Whether a node's output reports the failing rollout check (the progress line of the Canary's event).</summary>
    private static bool RanTheCheck(List<string> lines)
    {
        lock (lines)
            return lines.Any(l => l.Contains("Halt podinfo.test advancement external check check failed", StringComparison.Ordinal));
    }

    private static Task<string?> Phase(Kubectl kubectl) => kubectl.JsonPathAsync("canary/podinfo", Ns, "{.status.phase}");

    private static async Task<int> FailedChecksAsync(Kubectl kubectl) =>
        int.TryParse(await kubectl.JsonPathAsync("canary/podinfo", Ns, "{.status.failedChecks}"), out var n) ? n : 0;

    /// <summary>The weight the HTTPRoute sends to the canary (what the analysis resumes from).</summary>
    private static async Task<int> CanaryWeightAsync(Kubectl kubectl) =>
        int.TryParse(await kubectl.JsonPathAsync("httproute/podinfo", Ns, "{.spec.rules[0].backendRefs[1].weight}"), out var w) ? w : 0;
}
