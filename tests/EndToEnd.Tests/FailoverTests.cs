using System.Diagnostics;
using Tide.ApiServer;
using Tide.Testing;

namespace Tide.EndToEnd.Tests;

/// <summary>
/// Three `tide run` processes form one Akka cluster; the node that owns a source is killed with SIGKILL. The split
/// brain resolver downs it, its entities restart on the survivors (remember-entities), and a new commit is still
/// fetched and applied: no reconciliation is lost.
/// </summary>
public sealed class FailoverTests
{
    [Fact]
    public async Task KilledNode_ItsEntitiesMove_AndReconcilingGoesOn()
    {
        using var dir = new TempDirectory("tide-failover-");
        await using var apiServer = await ApiServerHost.StartAsync(new ApiServerOptions());
        var kubeconfig = apiServer.WriteKubeconfig(dir.Combine("kubeconfig"));
        var kubectl = new Kubectl(kubeconfig);
        await using var git = await GitHttpServer.StartAsync();
        var repo = await GitWorkingCopy.CreateAsync(git.RepositoriesDirectory, "app");
        for (var i = 0; i < 3; i++)
            repo.Write($"k{i}/settings.yaml", Manifests.ConfigMap("default", $"k{i}", "one"));
        var first = await repo.CommitAndPushAsync("one");

        var remotingPorts = Enumerable.Range(0, 3).Select(_ => FreePort.Next()).ToArray();
        var artifactPorts = Enumerable.Range(0, 3).Select(_ => FreePort.Next()).ToArray();
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
                    tide.artifacts.port = {{artifactPorts[n]}}
                    tide.webhooks.port = 0
                    tide.metrics.port = 0
                    tide.ui.port = 0
                    tide.backoff.min = 500ms
                    """);
                nodes.Add(StartNode(kubeconfig, config, output[n] = []));
            }
            // All three must be members before work starts: a first seed node killed while alone takes the cluster
            // with it (the others may only join through it).
            for (var n = 0; n < 3; n++)
            {
                var lines = output[n];
                await Eventually.WaitAsync(() => Task.FromResult(Count(lines, "tide: member up")), c => c >= 3,
                    TimeSpan.FromSeconds(60), $"node {n} to see three members");
            }

            // The nodes install Tide's CRDs when they start.
            await Eventually.WaitAsync(() => kubectl.JsonPathAsync("crd/kustomizations.kustomize.toolkit.fluxcd.io", null, "{.metadata.name}"),
                name => name is not null, TimeSpan.FromSeconds(60), "Tide's CRDs");
            await kubectl.ApplyAsync(Manifests.FluxSystem);
            await kubectl.ApplyAsync(Manifests.GitRepository("app", git.RepositoryUrl("app")));
            for (var i = 0; i < 3; i++)
                await kubectl.ApplyAsync(Manifests.Kustomization($"k{i}", "app", $"./k{i}"));
            for (var i = 0; i < 3; i++)
                await WaitForRevisionAsync(kubectl, $"k{i}", first, TimeSpan.FromSeconds(120));

            // The source's artifact URL names the node that owns it: kill that node.
            var url = await kubectl.JsonPathAsync("gitrepository/app", "flux-system", "{.status.artifact.url}");
            var owner = Array.FindIndex(artifactPorts, p => url!.StartsWith($"http://127.0.0.1:{p}/", StringComparison.Ordinal));
            Assert.True(owner >= 0, $"artifact url {url} names no node");
            nodes[owner].Kill(entireProcessTree: true);

            repo.Write("k0/settings.yaml", Manifests.ConfigMap("default", "k0", "two"));
            repo.Write("k1/settings.yaml", Manifests.ConfigMap("default", "k1", "two"));
            repo.Write("k2/settings.yaml", Manifests.ConfigMap("default", "k2", "two"));
            var second = await repo.CommitAndPushAsync("two");
            for (var i = 0; i < 3; i++)
                await WaitForRevisionAsync(kubectl, $"k{i}", second, TimeSpan.FromSeconds(120));
            for (var i = 0; i < 3; i++)
                Assert.Equal("two", await kubectl.JsonPathAsync($"configmap/k{i}", "default", "{.data.value}"));
            var newUrl = await kubectl.JsonPathAsync("gitrepository/app", "flux-system", "{.status.artifact.url}");
            Assert.False(newUrl!.StartsWith($"http://127.0.0.1:{artifactPorts[owner]}/", StringComparison.Ordinal),
                $"the source still reports the killed node's url {newUrl}");
        }
        finally
        {
            foreach (var node in nodes.Where(p => !p.HasExited))
                node.Kill(entireProcessTree: true);
            foreach (var node in nodes)
                node.Dispose();
        }
    }

    internal static int Count(List<string> lines, string prefix)
    {
        lock (lines)
            return lines.Count(l => l.StartsWith(prefix, StringComparison.Ordinal));
    }

    internal static Process StartNode(string kubeconfig, string config, List<string> output)
    {
        var tide = Path.Combine(AppContext.BaseDirectory, "tide.dll");
        var process = Process.Start(new ProcessStartInfo("dotnet", [tide, "run", "--kubeconfig", kubeconfig, "--config", config])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.Add(e.Data); };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static Task WaitForRevisionAsync(Kubectl kubectl, string name, string commit, TimeSpan timeout) =>
        Eventually.WaitAsync(() => kubectl.JsonPathAsync("kustomization/" + name, "flux-system", "{.status.lastAppliedRevision}"),
            r => r == $"main@sha1:{commit}", timeout, $"Kustomization {name} to apply {commit}");
}
