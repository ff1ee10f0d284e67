using System.Diagnostics;
using Tide.ApiServer;
using Tide.Testing;

namespace Tide.EndToEnd.Tests;

/// <summary>
/// Three `tide run` processes form their cluster as the pods of a StatefulSet do: no seed list, each finds the others
/// through the Kubernetes API (Akka.Management cluster bootstrap; the pods of a label selector). Each "pod" is a Pod
/// object whose status.podIP is a loopback address of its own (127.0.0.2, .3, .4), where that node binds its Akka
/// remoting port and its contact point (the container port named "management").
/// </summary>
public sealed class ClusterBootstrapTests
{
    private const int Nodes = 3;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task PodsStartedAtOnce_FormOneCluster_AndTheFirstPodKilled_IsTakenOverAndRejoinsWhenRestarted()
    {
        using var dir = new TempDirectory("tide-bootstrap-");
        await using var apiServer = await ApiServerHost.StartAsync(new ApiServerOptions());
        var kubeconfig = apiServer.WriteKubeconfig(dir.Combine("kubeconfig"));
        var kubectl = new Kubectl(kubeconfig);
        await using var git = await GitHttpServer.StartAsync();
        var repo = await GitWorkingCopy.CreateAsync(git.RepositoriesDirectory, "app");
        for (var i = 0; i < Nodes; i++)
            repo.Write($"k{i}/settings.yaml", Manifests.ConfigMap("default", $"k{i}", "one"));
        var first = await repo.CommitAndPushAsync("one");
        await kubectl.ApplyAsync(Manifests.FluxSystem);

        var pods = Enumerable.Range(0, Nodes).Select(n => new Pod(n, FreePort.Next(), FreePort.Next())).ToArray();
        foreach (var pod in pods)
            await pod.CreateAsync(kubectl);
        // The namespace of the pods, as the Helm chart sets it.
        var environment = new Dictionary<string, string> { ["POD_NAMESPACE"] = "flux-system" };
        var cli = new TideCli(kubeconfig);
        var output = new List<string>[Nodes];
        var processes = new Process[Nodes];
        try
        {
            // Cold start: every pod at once.
            for (var n = 0; n < Nodes; n++)
            {
                var config = await pods[n].WriteConfigAsync(dir);
                processes[n] = cli.Start(output[n] = [], environment, "run", "--config", config);
            }
            for (var n = 0; n < Nodes; n++)
                await WaitForMembersAsync(output[n], n, Nodes);

            await kubectl.ApplyAsync(Manifests.GitRepository("app", git.RepositoryUrl("app")));
            for (var i = 0; i < Nodes; i++)
                await kubectl.ApplyAsync(Manifests.Kustomization($"k{i}", "app", $"./k{i}", interval: "1h"));
            for (var i = 0; i < Nodes; i++)
                await WaitForRevisionAsync(kubectl, $"k{i}", first);

            // The first pod (lowest address: it formed the cluster, and as the oldest member it runs the watchers) dies.
            processes[0].Kill(entireProcessTree: true);
            await processes[0].WaitForExitAsync();
            repo.Write("k0/settings.yaml", Manifests.ConfigMap("default", "k0", "two"));
            repo.Write("k1/settings.yaml", Manifests.ConfigMap("default", "k1", "two"));
            repo.Write("k2/settings.yaml", Manifests.ConfigMap("default", "k2", "two"));
            var second = await repo.CommitAndPushAsync("two");
            for (var i = 0; i < Nodes; i++)
                await WaitForRevisionAsync(kubectl, $"k{i}", second);

            // Restarted at the same address, it finds the cluster the others kept and joins it.
            var restarted = new List<string>();
            processes[0].Dispose();
            processes[0] = cli.Start(restarted, environment, "run", "--config", dir.Combine("pod0.conf"));
            await WaitForMembersAsync(restarted, 0, Nodes);
            await Eventually.WaitAsync(() => Task.FromResult(Count(output[1], $"tide: member up akka.tcp://tide@{pods[0].Ip}:")),
                c => c >= 2, Timeout, "the others to see the first pod up again");
        }
        finally
        {
            foreach (var process in processes.Where(p => p is not null))
            {
                if (!process.HasExited)
                    process.Kill(entireProcessTree: true);
                process.Dispose();
            }
        }
    }

    private static Task WaitForMembersAsync(List<string> lines, int node, int members) =>
        Eventually.WaitAsync(() => Task.FromResult(Count(lines, "tide: member up")), c => c >= members, Timeout,
            $"node {node} to see {members} members up; its output: {Tail(lines)}");

    private static int Count(List<string> lines, string prefix)
    {
        lock (lines)
            return lines.Count(l => l.StartsWith(prefix, StringComparison.Ordinal));
    }

    private static string Tail(List<string> lines)
    {
        lock (lines)
            return string.Join('\n', lines.TakeLast(20));
    }

    private static Task WaitForRevisionAsync(Kubectl kubectl, string name, string commit) =>
        Eventually.WaitAsync(() => kubectl.JsonPathAsync("kustomization/" + name, "flux-system", "{.status.lastAppliedRevision}"),
            r => r == $"main@sha1:{commit}", Timeout, $"Kustomization {name} to apply {commit}");

    /// <summary>A pod of the StatefulSet: its own loopback address, its remoting and management ports.</summary>
    private sealed record Pod(int Index, int RemotingPort, int ManagementPort)
    {
        public string Ip => $"127.0.0.{Index + 2}";

        public async Task CreateAsync(Kubectl kubectl)
        {
            await kubectl.ApplyAsync($"""
                apiVersion: v1
                kind: Pod
                metadata:
                  name: tide-{Index}
                  namespace: flux-system
                  labels:
                    app.kubernetes.io/name: tide
                spec:
                  containers:
                    - name: tide
                      image: tide
                      ports:
                        - name: remoting
                          containerPort: {RemotingPort}
                        - name: management
                          containerPort: {ManagementPort}
                """);
            // What the kubelet reports once the pod runs.
            await kubectl.RunAsync("patch", "pod", $"tide-{Index}", "-n", "flux-system", "--subresource=status",
                "--type=merge", "-p", $$$"""{"status":{"phase":"Running","podIP":"{{{Ip}}}","podIPs":[{"ip":"{{{Ip}}}"}]}}""");
        }

        public async Task<string> WriteConfigAsync(TempDirectory dir)
        {
            var path = dir.Combine($"pod{Index}.conf");
            await File.WriteAllTextAsync(path, $$"""
                akka.loglevel = WARNING
                akka.remote.dot-netty.tcp.hostname = "{{Ip}}"
                akka.remote.dot-netty.tcp.port = {{RemotingPort}}
                # Quicker than the default (5s) so that the test is short.
                akka.management.cluster.bootstrap.contact-point-discovery.stable-margin = 1s
                tide.cluster {
                  discovery = kubernetes
                  kubernetes.required-contact-points = {{Nodes}}
                  management.port = {{ManagementPort}}
                }
                tide.artifacts.directory = "{{dir.Combine($"pod{Index}")}}"
                tide.artifacts.host = "{{Ip}}"
                tide.artifacts.port = 0
                tide.webhooks.port = 0
                tide.metrics.port = 0
                tide.ui.enabled = off
                tide.backoff.min = 500ms
                """);
            return path;
        }
    }
}
