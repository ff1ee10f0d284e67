using System.Diagnostics;
using System.Text.Json.Nodes;
using Tide.ApiServer;
using Tide.Engine.Api;
using Tide.Engine.Kube;
using Tide.Testing;

namespace Tide.Bench;

/// <summary>
/// What N idle entities cost a node: one GitRepository and N Kustomizations (interval 1h, prune, postBuild naming
/// the one ConfigMap each applies) on one `tide run` process, the embedded API server and git in this process.
/// Measured: the node's resident memory (VmRSS) before any object and once all N are Ready and the node is quiet,
/// per entity; then every Kustomization is asked for a reconcile that finds nothing to change
/// (reconcile.fluxcd.io/requestedAt, as `flux reconcile ks` does) and the node's CPU time (user + system, from
/// /proc) from the first request until every one reports it handled, per reconcile.
/// Usage: <c>steady [--entities N] [--timeout SECONDS] [--pause-idle SECONDS]</c> (the pause holds the idle node for a
/// look inside, e.g. with dotnet-gcdump, before the no-op round).
/// </summary>
internal static class SteadyStateBench
{
    private const string FluxNamespace = "flux-system";
    private const string TargetNamespace = "apps";
    private static readonly ApplyOptions Bench = new() { FieldManager = "tide-bench" };
    private static readonly TimeSpan Quiet = TimeSpan.FromSeconds(10);

    public static async Task<int> RunAsync(string[] args)
    {
        var entities = args.SkipWhile(a => a != "--entities").Skip(1).Select(int.Parse).FirstOrDefault(10_000);
        var timeout = TimeSpan.FromSeconds(args.SkipWhile(a => a != "--timeout").Skip(1).Select(int.Parse).FirstOrDefault(1200));
        var pauseIdle = args.SkipWhile(a => a != "--pause-idle").Skip(1).Select(int.Parse).FirstOrDefault(0);
        using var work = new TempDirectory("tide-bench-steady-");
        await using var apiServer = await ApiServerHost.StartAsync(new ApiServerOptions { SimulateWorkloads = false });
        var kubeconfig = apiServer.WriteKubeconfig(work.Combine("kubeconfig"));
        using var kube = KubeClient.FromKubeconfig(kubeconfig);
        foreach (var ns in new[] { FluxNamespace, TargetNamespace })
            await kube.ApplyAsync(new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Namespace", ["metadata"] = new JsonObject { ["name"] = ns } },
                Bench, CancellationToken.None);
        await using var git = await GitHttpServer.StartAsync();
        var repo = await GitWorkingCopy.CreateAsync(git.RepositoriesDirectory, "apps");
        repo.Write("app/settings.yaml", $"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${{app}}\n  namespace: {TargetNamespace}\ndata:\n  value: v1\n");
        var revision = $"main@sha1:{await repo.CommitAndPushAsync("apps")}";
        Console.WriteLine($"# Steady state: 1 GitRepository + {entities} Kustomizations (interval 1h, one ConfigMap each) on one `tide run` " +
            $"process (defaults); embedded API server and git in the benchmark process; {Environment.ProcessorCount} cores; " +
            $"load average before: {FluxBench.LoadAverage()}");

        await using var node = await TideNodeProcess.StartAsync(work.Path, kubeconfig, 0, FreePort.Next(), "", CancellationToken.None);
        try
        {
            await Task.Delay(Quiet);
            var emptyResident = node.ResidentBytes;
            await using var watch = await ObjectWatch.StartAsync(kube, Kustomization.ApiVersionV1, Kustomization.KindName, FluxNamespace,
                CancellationToken.None);
            var names = Enumerable.Range(0, entities).Select(i => $"app-{i:D5}").ToList();
            var start = Stopwatch.GetTimestamp();
            await kube.ApplyAsync(new JsonObject
            {
                ["apiVersion"] = GitRepository.ApiVersionV1, ["kind"] = GitRepository.KindName,
                ["metadata"] = new JsonObject { ["name"] = "apps", ["namespace"] = FluxNamespace },
                ["spec"] = new JsonObject { ["url"] = git.RepositoryUrl("apps"), ["interval"] = "1h", ["ref"] = new JsonObject { ["branch"] = "main" } },
            }, Bench, CancellationToken.None);
            await Parallel.ForEachAsync(names, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (name, ct) =>
                await kube.ApplyAsync(new JsonObject
                {
                    ["apiVersion"] = Kustomization.ApiVersionV1, ["kind"] = Kustomization.KindName,
                    ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = FluxNamespace },
                    ["spec"] = new JsonObject
                    {
                        ["interval"] = "1h", ["path"] = "./app", ["prune"] = true,
                        ["sourceRef"] = new JsonObject { ["kind"] = GitRepository.KindName, ["name"] = "apps" },
                        ["postBuild"] = new JsonObject { ["substitute"] = new JsonObject { ["app"] = name } },
                    },
                }, Bench, ct));
            var ready = await watch.WaitAsync(names, FluxBench.AppliedAndReady(revision), start, timeout, "Kustomizations Ready", CancellationToken.None);
            Console.WriteLine($"created -> all {entities} Ready: {ready.Values.Max() / 1000:F1} s");
            await Task.Delay(Quiet);
            var idleResident = node.ResidentBytes;
            if (pauseIdle > 0)
            {
                // Time to look inside the idle node (dotnet-gcdump, dotnet-counters) before the no-op round.
                Console.WriteLine($"# idle node: pid {node.Id}, {idleResident >> 20} MiB resident; pausing {pauseIdle} s");
                await Task.Delay(TimeSpan.FromSeconds(pauseIdle));
            }

            var token = DateTimeOffset.UtcNow.ToString("O");
            var cpuBefore = node.CpuTime;
            var asked = Stopwatch.GetTimestamp();
            await Parallel.ForEachAsync(names, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (name, ct) =>
                await kube.PatchAsync(new ObjectRef(Kustomization.ApiVersionV1, Kustomization.KindName, FluxNamespace, name),
                    new JsonObject { ["metadata"] = new JsonObject { ["annotations"] = new JsonObject { ["reconcile.fluxcd.io/requestedAt"] = token } } }, ct));
            var handled = await watch.WaitAsync(names, o => o["status"]?["lastHandledReconcileAt"]?.GetValue<string>() == token, asked, timeout,
                "no-op reconciles handled", CancellationToken.None);
            var cpu = node.CpuTime - cpuBefore;
            Console.WriteLine("| entities | node resident, no objects | node resident, all idle | per idle entity | no-op reconciles: all handled after | node CPU | per no-op reconcile |");
            Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|");
            Console.WriteLine($"| {entities} Kustomizations + 1 GitRepository | {emptyResident >> 20} MiB | {idleResident >> 20} MiB | " +
                $"{(idleResident - emptyResident) / 1024.0 / (entities + 1):F1} KiB | {handled.Values.Max() / 1000:F1} s | {cpu.TotalSeconds:F1} s | " +
                $"{cpu.TotalMilliseconds / entities:F2} ms |");
            Console.WriteLine($"# load average after: {FluxBench.LoadAverage()}");
            return 0;
        }
        catch (TimeoutException e)
        {
            Console.Error.WriteLine($"steady-state benchmark stopped: {e.Message}\n{await node.TailAsync()}");
            return 1;
        }
    }
}
