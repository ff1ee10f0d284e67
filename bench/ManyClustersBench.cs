using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using Tide.ApiServer;
using Tide.ApiServer.Faults;
using Tide.Engine.Api;
using Tide.Engine.Kube;
using Tide.Testing;

namespace Tide.Bench;

/// <summary>
/// A hub managing many clusters: one `tide run` process against the hub's embedded API server, <c>--clusters</c> more
/// embedded API servers (in this process, workload simulation without delay) as targets, and <c>--apps</c>
/// Kustomizations spread evenly over them (spec.kubeConfig.secretRef), each applying the four objects of the
/// Flux-benchmark shape (prune, wait, postBuild) from one shared GitRepository. The first cluster answers every
/// resource request <c>--slow-ms</c> late (0: no slow cluster). Measured per cluster: from the first create to all
/// its Kustomizations Ready; the slow cluster should hold back only its own.
/// Usage: <c>clusters [--clusters N] [--apps N] [--slow-ms MS] [--config HOCON] [--timeout SECONDS]</c>.
/// </summary>
internal static class ManyClustersBench
{
    private const string FluxNamespace = "flux-system";
    private static readonly ApplyOptions Bench = new() { FieldManager = "tide-bench" };

    public static async Task<int> RunAsync(string[] args)
    {
        var clusterCount = Flag(args, "--clusters", 10);
        var apps = Flag(args, "--apps", 1000);
        var slowMs = Flag(args, "--slow-ms", 200);
        var timeout = TimeSpan.FromSeconds(Flag(args, "--timeout", 600));
        var extraConfig = args.SkipWhile(a => a != "--config").Skip(1).FirstOrDefault("");
        using var work = new TempDirectory("tide-bench-clusters-");
        await using var hub = await ApiServerHost.StartAsync(new ApiServerOptions { SimulateWorkloads = false });
        var kubeconfig = hub.WriteKubeconfig(work.Combine("kubeconfig"));
        using var kube = KubeClient.FromKubeconfig(kubeconfig);
        var clusters = new List<ApiServerHost>();
        try
        {
            for (var i = 0; i < clusterCount; i++)
                clusters.Add(await ApiServerHost.StartAsync(new ApiServerOptions { WorkloadDelay = TimeSpan.Zero }));
            if (slowMs > 0)
                clusters[0].Faults = new FaultOptions { Latency = TimeSpan.FromMilliseconds(slowMs) };
            await kube.ApplyAsync(new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Namespace", ["metadata"] = new JsonObject { ["name"] = FluxNamespace } },
                Bench, CancellationToken.None);
            for (var i = 0; i < clusterCount; i++)
            {
                using var target = KubeClient.FromKubeconfig(clusters[i].WriteKubeconfig(work.Combine($"cluster{i}")));
                await target.ApplyAsync(new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Namespace", ["metadata"] = new JsonObject { ["name"] = "apps" } },
                    Bench, CancellationToken.None);
                await kube.ApplyAsync(new JsonObject
                {
                    ["apiVersion"] = "v1", ["kind"] = "Secret",
                    ["metadata"] = new JsonObject { ["name"] = $"cluster{i}-kubeconfig", ["namespace"] = FluxNamespace },
                    ["data"] = new JsonObject { ["value"] = Convert.ToBase64String(await File.ReadAllBytesAsync(work.Combine($"cluster{i}"))) },
                }, Bench, CancellationToken.None);
            }
            await using var git = await GitHttpServer.StartAsync();
            var repo = await GitWorkingCopy.CreateAsync(git.RepositoriesDirectory, "apps");
            repo.Write("app/app.yaml", FluxBench.AppManifest);
            var revision = $"main@sha1:{await repo.CommitAndPushAsync("apps")}";

            Console.WriteLine($"# Many clusters: 1 hub (`tide run`, defaults{(extraConfig.Length > 0 ? " + " + extraConfig : "")}) + {clusterCount} embedded API " +
                $"servers, {apps} Kustomizations spread evenly (4 objects each: Deployment at 0 replicas, ServiceAccount, Service, Ingress; prune, " +
                $"wait, postBuild) from one GitRepository; cluster 0 {(slowMs > 0 ? $"answers every resource request {slowMs} ms late" : "is not slowed")}; " +
                $"{Environment.ProcessorCount} cores; load average before: {FluxBench.LoadAverage()}");
            await using var node = await TideNodeProcess.StartAsync(work.Path, kubeconfig, 0, FreePort.Next(), extraConfig, CancellationToken.None);
            await using var watch = await ObjectWatch.StartAsync(kube, Kustomization.ApiVersionV1, Kustomization.KindName, FluxNamespace,
                CancellationToken.None);
            var names = Enumerable.Range(0, apps).Select(i => (Cluster: i % clusterCount, Name: $"c{i % clusterCount}-app-{i / clusterCount:D4}")).ToList();
            var start = Stopwatch.GetTimestamp();
            await kube.ApplyAsync(new JsonObject
            {
                ["apiVersion"] = GitRepository.ApiVersionV1, ["kind"] = GitRepository.KindName,
                ["metadata"] = new JsonObject { ["name"] = "apps", ["namespace"] = FluxNamespace },
                ["spec"] = new JsonObject { ["url"] = git.RepositoryUrl("apps"), ["interval"] = "1h", ["ref"] = new JsonObject { ["branch"] = "main" } },
            }, Bench, CancellationToken.None);
            await Parallel.ForEachAsync(names, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (app, ct) =>
                await kube.ApplyAsync(new JsonObject
                {
                    ["apiVersion"] = Kustomization.ApiVersionV1, ["kind"] = Kustomization.KindName,
                    ["metadata"] = new JsonObject { ["name"] = app.Name, ["namespace"] = FluxNamespace },
                    ["spec"] = new JsonObject
                    {
                        ["interval"] = "1h", ["path"] = "./app", ["prune"] = true, ["wait"] = true, ["timeout"] = "5m",
                        ["sourceRef"] = new JsonObject { ["kind"] = GitRepository.KindName, ["name"] = "apps" },
                        ["postBuild"] = new JsonObject { ["substitute"] = new JsonObject { ["app"] = app.Name } },
                        ["kubeConfig"] = new JsonObject { ["secretRef"] = new JsonObject { ["name"] = $"cluster{app.Cluster}-kubeconfig" } },
                    },
                }, Bench, ct));
            var perCluster = new List<Task<IReadOnlyDictionary<string, double>>>();
            for (var c = 0; c < clusterCount; c++)
            {
                var cluster = c;
                perCluster.Add(watch.WaitAsync(names.Where(a => a.Cluster == cluster).Select(a => a.Name).ToList(), FluxBench.AppliedAndReady(revision),
                    start, timeout, $"cluster {cluster}: Kustomizations Ready", CancellationToken.None));
            }
            await Task.WhenAll(perCluster);
            var table = new StringBuilder("| cluster | Kustomizations | all Ready after | p50 |\n|---|---:|---:|---:|\n");
            for (var c = 0; c < clusterCount; c++)
            {
                var times = perCluster[c].Result.Values.Order().ToList();
                table.Append($"| {c}{(c == 0 && slowMs > 0 ? $" (slow: +{slowMs} ms a request)" : "")} | {times.Count} | {times[^1] / 1000:F1} s | {times[times.Count / 2] / 1000:F1} s |\n");
            }
            Console.Write(table);
            var others = perCluster.Skip(1).SelectMany(t => t.Result.Values).ToList();
            Console.WriteLine($"all Kustomizations of the other {clusterCount - 1} clusters Ready after {others.Max() / 1000:F1} s; " +
                $"node CPU {node.CpuTime.TotalSeconds:F1} s, resident {node.ResidentBytes >> 20} MiB; load average after: {FluxBench.LoadAverage()}");
            return 0;
        }
        catch (TimeoutException e)
        {
            Console.Error.WriteLine($"clusters benchmark stopped: {e.Message}");
            return 1;
        }
        finally
        {
            foreach (var cluster in clusters)
                await cluster.DisposeAsync();
        }
    }

    private static int Flag(string[] args, string name, int fallback) =>
        args.SkipWhile(a => a != name).Skip(1).Select(int.Parse).FirstOrDefault(fallback);
}
