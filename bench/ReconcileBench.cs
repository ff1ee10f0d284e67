using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using Tide.Actors.Cluster;
using Tide.ApiServer;
using Tide.Engine.Reconcilers.Kustomizations;
using Tide.Engine.Api;
using Tide.Engine.Kube;
using Tide.Engine.Reconcilers;
using Tide.Host.Runtime;
using Tide.Testing;

namespace Tide.Bench;

/// <summary>
/// Scale and latency of Tide's reconcile loop, all in this process on loopback: the embedded API server, git over
/// smart HTTP (lighttpd + git http-backend), one Tide node. Three scenarios:
/// 1. fan-out: one GitRepository, N Kustomizations each applying M ConfigMaps of its own path; creation to all
///    Ready, then one commit changing every path to all N at the new revision (the source is told with
///    reconcile.fluxcd.io/requestedAt, its interval is long, so no poll is involved);
/// 2. a dependsOn chain of K Kustomizations, creation to the last one Ready, per hop;
/// 3. drift: R applied ConfigMaps edited through the API one at a time, edit to reverted.
/// Usage: `reconcile [--kustomizations N] [--configmaps M] [--chain K] [--drift R] [--timeout SECONDS]`; the temp
/// directory (Tide's artifact and work directories included) follows TMPDIR, e.g. TMPDIR=/dev/shm for tmpfs.
/// </summary>
internal static class ReconcileBench
{
    private const string FluxNamespace = "flux-system";
    private const string TargetNamespace = "bench";
    private const string Source = "fleet";
    private const string RequestedAt = "reconcile.fluxcd.io/requestedAt";

    public static async Task<int> RunAsync(string[] args)
    {
        var kustomizations = Flag(args, "--kustomizations", 200);
        var configMaps = Flag(args, "--configmaps", 5);
        var chain = Flag(args, "--chain", 10);
        var drift = Math.Min(Flag(args, "--drift", 20), kustomizations * configMaps);
        var timeout = TimeSpan.FromSeconds(Flag(args, "--timeout", 300));
        if (kustomizations < 1 || configMaps < 1 || chain < 1 || drift < 1)
        {
            Console.Error.WriteLine("usage: reconcile [--kustomizations N] [--configmaps M] [--chain K] [--drift R] [--timeout SECONDS] (all >= 1)");
            return 2;
        }
        using var interrupt = new CancellationTokenSource();
        // Ctrl-C and SIGTERM stop the run through the same path as a failure, so that the servers stop and the temp
        // directories go (without a handler the embedded API server's host would swallow SIGTERM).
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
        try
        {
            await RunScenariosAsync(kustomizations, configMaps, chain, drift, timeout, interrupt.Token);
            return 0;
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException)
        {
            Console.Error.WriteLine($"reconcile benchmark stopped: {e.Message}");
            return 1;
        }

        void Stop(PosixSignalContext context)
        {
            context.Cancel = true;
            interrupt.Cancel();
        }
    }

    private static async Task RunScenariosAsync(int n, int m, int k, int r, TimeSpan timeout, CancellationToken ct)
    {
        using var work = new TempDirectory("tide-bench-reconcile-");
        await using var apiServer = await ApiServerHost.StartAsync(new ApiServerOptions { SimulateWorkloads = false }, ct);
        var kubeconfig = apiServer.WriteKubeconfig(work.Combine("kubeconfig"));
        await using var git = await GitHttpServer.StartAsync(cancellationToken: ct);
        var repo = await GitWorkingCopy.CreateAsync(git.RepositoriesDirectory, Source);
        for (var i = 0; i < n; i++)
            WriteApp(repo, i, m, "v1");
        for (var i = 0; i < k; i++)
            WritePath(repo, LinkPath(i), [LinkName(i)], "v1");
        var first = await repo.CommitAndPushAsync("first");

        // What the bench must set: where artifacts go, and quiet logs (figures go to stdout). All else: tide.conf.
        var config = TideConfig.Load(null, $"""
            akka.loglevel = WARNING
            tide.artifacts.directory = "{work.Combine("artifacts")}"
            """);
        var settings = TideSettings.From(config);
        using var builds = new BuildCounter();
        await using var node = await TideRuntime.StartAsync(config, kubeconfig, null, ct);
        using var kube = KubeClient.FromKubeconfig(kubeconfig);
        using var typed = new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(kubeconfig));

        Console.WriteLine($"# Reconcile loop benchmark: one Tide node, embedded API server (in memory, no workload " +
            $"simulation) and git smart HTTP (lighttpd + git http-backend), all on loopback; " +
            $"{Environment.ProcessorCount} cores, .NET {Environment.Version}");
        Console.WriteLine($"# Tide settings: defaults (workers.fetch={settings.FetchWorkers}, workers.apply=" +
            $"{settings.ApplyWorkers}, jitter={settings.Jitter}, backoff.min={settings.BackoffMin.TotalSeconds}s) except " +
            "akka.loglevel = WARNING and tide.artifacts.directory = <temp dir>");
        Console.WriteLine($"# Objects: GitRepository interval 10m (new commits are announced with {RequestedAt}), " +
            "Kustomizations interval 10m, prune: true, no wait/healthChecks; each ConfigMap ~100 bytes");
        Console.WriteLine($"# Builds: Kustomization builds (artifact in memory, kustomize build, apply) counted by the " +
            $"reconciler's {KustomizationBuilder.BuildsCounterName} counter; every scenario ends once no build started for {Quiet.TotalSeconds:F0} s");

        foreach (var ns in new[] { FluxNamespace, TargetNamespace })
            await kube.ApplyAsync(new JsonObject
            {
                ["apiVersion"] = "v1", ["kind"] = "Namespace", ["metadata"] = new JsonObject { ["name"] = ns },
            }, Bench, ct);
        await using var sources = await ObjectWatch.StartAsync(kube, GitRepository.ApiVersionV1, GitRepository.KindName, FluxNamespace, ct);
        await using var kustomizations = await ObjectWatch.StartAsync(kube, Kustomization.ApiVersionV1, Kustomization.KindName, FluxNamespace, ct);
        await using var configMaps = await ObjectWatch.StartAsync(kube, "v1", "ConfigMap", TargetNamespace, ct);

        var sourceStart = Stopwatch.GetTimestamp();
        await kube.ApplyAsync(new JsonObject
        {
            ["apiVersion"] = GitRepository.ApiVersionV1,
            ["kind"] = GitRepository.KindName,
            ["metadata"] = new JsonObject { ["name"] = Source, ["namespace"] = FluxNamespace },
            ["spec"] = new JsonObject
            {
                ["url"] = git.RepositoryUrl(Source), ["interval"] = "10m", ["ref"] = new JsonObject { ["branch"] = "main" },
            },
        }, Bench, ct);
        var firstRevision = $"main@sha1:{first}";
        await sources.WaitAsync([Source], HasArtifact(firstRevision), sourceStart, timeout, "GitRepository artifact", ct);
        Console.WriteLine($"# GitRepository created -> artifact of the first commit: {Stopwatch.GetElapsedTime(sourceStart).TotalMilliseconds:F0} ms");

        var run = new Scenarios(kube, typed, repo, sources, kustomizations, configMaps, builds, timeout, ct);
        var current = await run.FanOutAsync(n, m, firstRevision);
        await run.ChainAsync(k, current);
        await run.DriftAsync(n, m, r);
    }

    /// <summary>How long the node must start no build before a phase counts as finished.</summary>
    private static readonly TimeSpan Quiet = TimeSpan.FromSeconds(3);

    private sealed class Scenarios(KubeClient kube, Kubernetes typed, GitWorkingCopy repo, ObjectWatch sources,
        ObjectWatch kustomizations, ObjectWatch configMaps, BuildCounter builds, TimeSpan timeout, CancellationToken ct)
    {
        /// <summary>Scenario 1: N Kustomizations from creation to Ready, then a commit that changes every path;
        /// returns the revision of that commit.</summary>
        public async Task<string> FanOutAsync(int n, int m, string revision)
        {
            var objects = n * m;
            var names = Enumerable.Range(0, n).Select(AppName).ToList();
            Console.WriteLine();
            Console.WriteLine($"## 1. Fan-out: 1 GitRepository, {n} Kustomizations x {m} ConfigMaps ({objects} objects)");
            Console.WriteLine("| phase | objects | all done s | objects applied/s | per-Kustomization p50 ms | p95 ms | max ms | builds until all done + after |");
            Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|");
            var before = builds.Count;
            var start = Stopwatch.GetTimestamp();
            await Parallel.ForEachAsync(Enumerable.Range(0, n), new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = ct },
                async (i, token) => await kube.ApplyAsync(KustomizationObject(names[i], AppPath(i), dependsOn: null), Bench, token));
            var created = Stopwatch.GetElapsedTime(start);
            var ready = await kustomizations.WaitAsync(names, AppliedAndReady(revision), start, timeout, "fan-out: all Ready", ct);
            Console.WriteLine($"| create {n} Kustomizations (client, 8 in flight: {created.TotalSeconds:F2} s) -> all Ready at the first commit | " +
                $"{objects} | {Rates(objects, ready.Values)} | {await BuildsAsync(before)} |");

            for (var i = 0; i < n; i++)
                WriteApp(repo, i, m, "v2");
            before = builds.Count;
            var pushStart = Stopwatch.GetTimestamp();
            var second = $"main@sha1:{await repo.CommitAndPushAsync("change every path")}";
            var pushed = Stopwatch.GetElapsedTime(pushStart);
            var announce = Stopwatch.GetTimestamp();
            await kube.PatchAsync(new ObjectRef(GitRepository.ApiVersionV1, GitRepository.KindName, FluxNamespace, Source),
                new JsonObject { ["metadata"] = new JsonObject { ["annotations"] = new JsonObject { [RequestedAt] = DateTimeOffset.UtcNow.ToString("O") } } }, ct);
            var fetched = (await sources.WaitAsync([Source], HasArtifact(second), announce, timeout, "GitRepository new artifact", ct)).Values.Single();
            var updated = await kustomizations.WaitAsync(names, AppliedAndReady(second), announce, timeout, "fan-out: all at the new commit", ct);
            Console.WriteLine($"| commit changing every path (git push {pushed.TotalMilliseconds:F0} ms, then requestedAt; " +
                $"source has the artifact after {fetched:F0} ms) -> all at the new revision | {objects} | " +
                $"{Rates(objects, updated.Values)} | {await BuildsAsync(before)} |");
            return second;
        }

        /// <summary>Scenario 2: K Kustomizations, each depending on the previous, created together.</summary>
        public async Task ChainAsync(int k, string revision)
        {
            Console.WriteLine();
            Console.WriteLine($"## 2. Dependency chain: {k} Kustomizations, each dependsOn the previous, one ConfigMap each, created together");
            var names = Enumerable.Range(0, k).Select(LinkName).ToList();
            var before = builds.Count;
            var start = Stopwatch.GetTimestamp();
            // Dependents first, so that each has found its dependency not ready and waits to be told.
            for (var i = k - 1; i >= 0; i--)
                await kube.ApplyAsync(KustomizationObject(names[i], LinkPath(i), i == 0 ? null : names[i - 1]), Bench, ct);
            var ready = await kustomizations.WaitAsync(names, AppliedAndReady(revision), start, timeout, "chain: all Ready", ct);
            var hops = names.Select((name, i) => ready[name] - (i == 0 ? 0 : ready[names[i - 1]])).ToList();
            Console.WriteLine("| link | Ready after ms | hop ms (after the previous link was Ready) |");
            Console.WriteLine("|---|---:|---:|");
            for (var i = 0; i < k; i++)
                Console.WriteLine($"| {names[i]}{(i == 0 ? " (no dependency)" : "")} | {ready[names[i]]:F0} | {hops[i]:F0} |");
            var dependentHops = hops.Skip(1).ToList();
            Console.WriteLine($"Tide, measured: last link Ready {ready[names[^1]] / 1000:F2} s after creation" +
                (dependentHops.Count > 0 ? $"; dependency hops p50 {Percentile(dependentHops, 0.5):F0} ms, max {dependentHops.Max():F0} ms" : "") +
                $"; builds until all Ready + after: {await BuildsAsync(before)}.");
            Console.WriteLine($"Flux, derived from kustomize-controller's documented default --requeue-dependency=30s (not measured): " +
                $"a dependent whose dependency is not ready is looked at again 30 s later, so link i is Ready about i x 30 s " +
                $"after creation: last link about {(k - 1) * 30} s, each hop up to 30 s.");
        }

        /// <summary>Scenario 3: applied ConfigMaps edited by hand (a merge patch with kubectl edit's field manager), one
        /// at a time, each timed from sending the edit to the watch event that shows it reverted.</summary>
        public async Task DriftAsync(int n, int m, int r)
        {
            Console.WriteLine();
            Console.WriteLine($"## 3. Drift revert: {r} applied ConfigMaps edited one at a time (merge patch, fieldManager kubectl-edit)");
            var latencies = new List<double>();
            var before = builds.Count;
            for (var t = 0; t < r; t++)
            {
                // Spread over the Kustomizations: each edit lands on another one while there are enough.
                var name = ConfigMapName((int)((long)t * n / r), t % m);
                var patch = new V1Patch("""{"data":{"value":"edited by hand"}}""", V1Patch.PatchType.MergePatch);
                var since = Stopwatch.GetTimestamp();
                var edited = await typed.CoreV1.PatchNamespacedConfigMapAsync(patch, name, TargetNamespace, fieldManager: "kubectl-edit", cancellationToken: ct);
                var editedVersion = long.Parse(edited.Metadata.ResourceVersion);
                var reverted = await configMaps.WaitAsync([name], o =>
                        long.Parse(o["metadata"]!["resourceVersion"]!.GetValue<string>()) > editedVersion &&
                        o["data"]?["value"]?.GetValue<string>() == "v2",
                    since, timeout, $"drift: {name} reverted", ct);
                latencies.Add(reverted[name]);
            }
            Console.WriteLine("| edits | p50 ms | p95 ms | max ms | builds until all reverted + after |");
            Console.WriteLine("|---:|---:|---:|---:|---:|");
            Console.WriteLine($"| {r} | {Stats(latencies)} | {await BuildsAsync(before)} |");
        }

        /// <summary>"until + after": builds since <paramref name="before"/> until now, and those that still started
        /// after it until the node was quiet (the work a phase caused beyond what its measurement waited for).</summary>
        private async Task<string> BuildsAsync(int before)
        {
            var done = builds.Count;
            await builds.SettleAsync(Quiet, timeout, ct);
            return $"{done - before} + {builds.Count - done}";
        }
    }

    private static string Rates(int objects, IEnumerable<double> latencies)
    {
        var total = latencies.Max() / 1000;
        return $"{total:F2} | {objects / total:F0} | {Stats(latencies)}";
    }

    private static readonly ApplyOptions Bench = new() { FieldManager = "tide-bench" };

    private static string AppName(int i) => $"app-{i:D4}";

    private static string AppPath(int i) => $"apps/{AppName(i)}";

    private static string LinkName(int i) => $"link-{i:D3}";

    private static string LinkPath(int i) => $"chain/{LinkName(i)}";

    private static string ConfigMapName(int app, int j) => $"{AppName(app)}-{j}";

    private static void WriteApp(GitWorkingCopy repo, int i, int m, string value) =>
        WritePath(repo, AppPath(i), Enumerable.Range(0, m).Select(j => ConfigMapName(i, j)), value);

    /// <summary>A kustomization.yaml and one file of ConfigMaps (all with the same value) at <paramref name="path"/>.</summary>
    private static void WritePath(GitWorkingCopy repo, string path, IEnumerable<string> names, string value)
    {
        repo.Write($"{path}/configmaps.yaml", string.Join("---\n", names.Select(name =>
            $"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\n  namespace: {TargetNamespace}\ndata:\n  value: \"{value}\"\n")));
        repo.Write($"{path}/kustomization.yaml", "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n- configmaps.yaml\n");
    }

    private static JsonObject KustomizationObject(string name, string path, string? dependsOn)
    {
        var spec = new JsonObject
        {
            ["interval"] = "10m",
            ["path"] = "./" + path,
            ["prune"] = true,
            ["sourceRef"] = new JsonObject { ["kind"] = GitRepository.KindName, ["name"] = Source },
        };
        if (dependsOn is not null)
            spec["dependsOn"] = new JsonArray(new JsonObject { ["name"] = dependsOn });
        return new JsonObject
        {
            ["apiVersion"] = Kustomization.ApiVersionV1,
            ["kind"] = Kustomization.KindName,
            ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = FluxNamespace },
            ["spec"] = spec,
        };
    }

    private static Func<JsonObject, bool> HasArtifact(string revision) =>
        o => o["status"]?["artifact"]?["revision"]?.GetValue<string>() == revision;

    /// <summary>A Kustomization Ready at <paramref name="revision"/> (also used by <see cref="FaultBench"/>).</summary>
    internal static Func<JsonObject, bool> AppliedAndReady(string revision) =>
        o => o["status"]?["lastAppliedRevision"]?.GetValue<string>() == revision &&
             (o["status"]?["conditions"] as JsonArray ?? []).Any(c =>
                 c?["type"]?.GetValue<string>() == "Ready" && c["status"]?.GetValue<string>() == "True");

    private static string Stats(IEnumerable<double> values) =>
        $"{Percentile(values, 0.5):F0} | {Percentile(values, 0.95):F0} | {values.Max():F0}";

    /// <summary>Nearest-rank percentile.</summary>
    internal static double Percentile(IEnumerable<double> values, double p)
    {
        var sorted = values.Order().ToList();
        return sorted[Math.Max(0, (int)Math.Ceiling(p * sorted.Count) - 1)];
    }

    /// <summary>An integer flag's value (also used by <see cref="FaultBench"/>).</summary>
    internal static int Flag(string[] args, string name, int fallback) =>
        args.SkipWhile(a => a != name).Skip(1).Select(int.Parse).FirstOrDefault(fallback);
}
