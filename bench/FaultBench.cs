using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using Tide.ApiServer;
using Tide.Engine.Api;
using Tide.Engine.Kube;
using Tide.Testing;

namespace Tide.Bench;

/// <summary>
/// Tide under node faults: the embedded API server and git over smart HTTP in this process, and Tide nodes as real
/// `tide run` processes that form their cluster by pod discovery (tide.cluster.discovery = kubernetes; each node is a
/// Pod object whose podIP is a loopback address of its own, 127.0.0.2...). One GitRepository, N Kustomizations of one
/// ConfigMap each (intervals 10m: only news makes them reconcile). Scenarios, each starting with a commit that changes
/// every path, announced with requestedAt on the source:
/// 1. SIGKILL one of 3 nodes 1 s into the rollout, --kills times (the victims in turn; each restarted afterwards):
///    time from the kill until the survivors run every entity again (their tide_entities gauges add up to N + 1), time
///    until all N are Ready at the new commit, and how many are lost (not at it by the timeout);
/// 2. a rolling restart of the 3 nodes (SIGTERM, start again, wait until it is up, next);
/// 3. a 4th node joining mid-rollout: time until it is up and until it runs entities.
/// Usage: `faults [--kustomizations N] [--kills K] [--timeout SECONDS] [--node-config HOCON]` (HOCON added to every
/// node's configuration, e.g. "akka.cluster.split-brain-resolver.stable-after = 3s"); temp directories follow TMPDIR.
/// </summary>
internal static class FaultBench
{
    private const string FluxNamespace = "flux-system";
    private const string TargetNamespace = "bench";
    private const string Source = "fleet";
    private const string RequestedAt = "reconcile.fluxcd.io/requestedAt";
    private static readonly ApplyOptions Bench = new() { FieldManager = "tide-bench" };

    public static async Task<int> RunAsync(string[] args)
    {
        var n = ReconcileBench.Flag(args, "--kustomizations", 1000);
        var kills = ReconcileBench.Flag(args, "--kills", 5);
        var timeout = TimeSpan.FromSeconds(ReconcileBench.Flag(args, "--timeout", 300));
        var nodeConfig = args.SkipWhile(a => a != "--node-config").Skip(1).FirstOrDefault() ?? "";
        if (n < 1 || kills < 0)
        {
            Console.Error.WriteLine("usage: faults [--kustomizations N] [--kills K] [--timeout SECONDS]");
            return 2;
        }
        using var interrupt = new CancellationTokenSource();
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
        try
        {
            await RunScenariosAsync(n, kills, timeout, nodeConfig, interrupt.Token);
            return 0;
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException)
        {
            Console.Error.WriteLine($"faults benchmark stopped: {e.Message}");
            return 1;
        }

        void Stop(PosixSignalContext context)
        {
            context.Cancel = true;
            interrupt.Cancel();
        }
    }

    private static async Task RunScenariosAsync(int n, int kills, TimeSpan timeout, string nodeConfig, CancellationToken ct)
    {
        using var work = new TempDirectory("tide-bench-faults-");
        await using var apiServer = await ApiServerHost.StartAsync(new ApiServerOptions { SimulateWorkloads = false }, ct);
        var kubeconfig = apiServer.WriteKubeconfig(work.Combine("kubeconfig"));
        await using var git = await GitHttpServer.StartAsync(cancellationToken: ct);
        var repo = await GitWorkingCopy.CreateAsync(git.RepositoriesDirectory, Source);
        var names = Enumerable.Range(0, n).Select(i => $"app-{i:D4}").ToList();
        WriteApps(repo, names, "v0");
        var first = await repo.CommitAndPushAsync("v0");
        using var kube = KubeClient.FromKubeconfig(kubeconfig);
        // As the nodes would when they start: the watch of Kustomizations needs the kind served first.
        await Tide.Host.Runtime.CrdInstaller.InstallMissingAsync(kube, ct);
        foreach (var ns in new[] { FluxNamespace, TargetNamespace })
            await kube.ApplyAsync(new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Namespace", ["metadata"] = new JsonObject { ["name"] = ns } }, Bench, ct);

        var nodes = Enumerable.Range(0, 4).Select(i => new NodeProcess(i, work, kubeconfig, nodeConfig)).ToList();
        // The 4th pod appears when it joins (a scale-up): a pod listed Running that does not answer keeps a new cluster
        // from forming, as Akka's bootstrap waits for every contact point it found.
        foreach (var node in nodes.Take(3))
            await node.CreatePodAsync(kube, ct);
        await using var kustomizations = await ObjectWatch.StartAsync(kube, Kustomization.ApiVersionV1, Kustomization.KindName, FluxNamespace, ct);
        try
        {
            Console.WriteLine($"# Fault benchmark: embedded API server and git smart HTTP in the benchmark's process, Tide nodes as " +
                $"`tide run` processes forming their cluster by pod discovery, all on loopback; {Environment.ProcessorCount} cores, " +
                $".NET {Environment.Version}; load average at the start: {LoadAverage()}");
            Console.WriteLine($"# Objects: 1 GitRepository (interval 10m; commits announced with {RequestedAt}), {n} Kustomizations " +
                "(interval 10m, prune) of one ConfigMap each; Tide's defaults except akka.loglevel = WARNING, tide.backoff.min = 500ms" +
                (nodeConfig.Length > 0 ? $", {nodeConfig}" : ""));

            var start = Stopwatch.GetTimestamp();
            foreach (var node in nodes.Take(3))
                node.Start();
            await Task.WhenAll(nodes.Take(3).Select(node => node.WaitUpAsync(timeout, ct)));
            Console.WriteLine($"# cold start of 3 nodes at once -> all up: {Stopwatch.GetElapsedTime(start).TotalSeconds:F1} s");
            await kube.ApplyAsync(SourceObject(git.RepositoryUrl(Source)), Bench, ct);
            start = Stopwatch.GetTimestamp();
            await Parallel.ForEachAsync(names, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = ct },
                async (name, token) => await kube.ApplyAsync(KustomizationObject(name), Bench, token));
            var ready = await kustomizations.WaitAsync(names, ReconcileBench.AppliedAndReady($"main@sha1:{first}"), start, timeout, "all Ready", ct);
            Console.WriteLine($"# create {n} Kustomizations -> all Ready on 3 nodes: {ready.Values.Max() / 1000:F1} s");

            var run = new Scenarios(kube, repo, names, nodes, kustomizations, timeout, ct);
            await run.KillsAsync(kills);
            await run.RollingRestartAsync();
            await run.JoinAsync();
        }
        finally
        {
            await Task.WhenAll(nodes.Select(node => node.StopAsync()));
        }
    }

    private sealed class Scenarios(KubeClient kube, GitWorkingCopy repo, List<string> names, List<NodeProcess> nodes,
        ObjectWatch kustomizations, TimeSpan timeout, CancellationToken ct)
    {
        private int _commits;

        public async Task KillsAsync(int kills)
        {
            Console.WriteLine();
            Console.WriteLine($"## 1. SIGKILL one of 3 nodes 1 s into a rollout of {names.Count} Kustomizations");
            Console.WriteLine("| round | node killed (its entities) | kill -> unreachable s | -> removed (downed by SBR) s | -> survivors run a first of its entities s | -> every entity s | -> all at the new commit s | lost (not at it) | load |");
            Console.WriteLine("|---:|---|---:|---:|---:|---:|---:|---:|---|");
            for (var round = 1; round <= kills; round++)
            {
                var victim = nodes[(round - 1) % 3];
                var revision = await CommitAndAnnounceAsync();
                var announced = Stopwatch.GetTimestamp();
                await Task.Delay(TimeSpan.FromSeconds(1), ct);
                var held = await victim.EntitiesAsync(ct);
                victim.Kill();
                var killed = Stopwatch.GetTimestamp();
                var survivors = nodes.Take(3).Where(node => node != victim).ToList();
                var resumed = await WaitForEntitiesAsync(survivors, killed);
                var (converged, lost) = await ConvergeAsync(revision, killed, announced);
                // As the first survivor saw the membership change (its MembershipReporter lines).
                var witness = survivors[0];
                Console.WriteLine($"| {round} | node {victim.Index} ({held}) | " +
                    $"{witness.SecondsUntil($"tide: member unreachable {victim.Address}", killed)} | " +
                    $"{witness.SecondsUntil($"tide: member removed {victim.Address}", killed)} | {resumed.First} | {resumed.All} | {converged} | {lost} | {LoadAverage()} |");
                victim.Start();
                await victim.WaitUpAsync(timeout, ct);
            }
        }

        public async Task RollingRestartAsync()
        {
            Console.WriteLine();
            Console.WriteLine("## 2. Rolling restart of the 3 nodes during a rollout (SIGTERM, start again, wait until up, next)");
            var revision = await CommitAndAnnounceAsync();
            var start = Stopwatch.GetTimestamp();
            foreach (var node in nodes.Take(3))
            {
                await node.TerminateAsync();
                node.Start();
                await node.WaitUpAsync(timeout, ct);
            }
            var rolled = Stopwatch.GetElapsedTime(start).TotalSeconds;
            var (converged, lost) = await ConvergeAsync(revision, start, start);
            Console.WriteLine($"restart of all 3 took {rolled:F1} s; all at the new commit {converged} s after the roll began; lost: {lost}; load {LoadAverage()}");
        }

        public async Task JoinAsync()
        {
            Console.WriteLine();
            Console.WriteLine("## 3. A 4th node joins during a rollout");
            var revision = await CommitAndAnnounceAsync();
            var start = Stopwatch.GetTimestamp();
            var fourth = nodes[3];
            await fourth.CreatePodAsync(kube, ct);
            fourth.Start();
            await fourth.WaitUpAsync(timeout, ct);
            var up = Stopwatch.GetElapsedTime(start).TotalSeconds;
            var (converged, lost) = await ConvergeAsync(revision, start, start);
            string running;
            try
            {
                running = await Eventually.WaitAsync(() => fourth.EntitiesAsync(ct), e => e > 0, timeout,
                    "the 4th node to run entities") is var count
                    ? $"{Stopwatch.GetElapsedTime(start).TotalSeconds:F1} s ({count} entities then)"
                    : "";
            }
            catch (TimeoutException)
            {
                running = $"none within {timeout.TotalSeconds:F0} s";
            }
            Console.WriteLine($"4th node up {up:F1} s after its start; all at the new commit after {converged} s; lost: {lost}; " +
                $"it runs entities after {running}; load {LoadAverage()}");
        }

        private async Task<string> CommitAndAnnounceAsync()
        {
            WriteApps(repo, names, $"v{++_commits}");
            var revision = $"main@sha1:{await repo.CommitAndPushAsync($"v{_commits}")}";
            await kube.PatchAsync(new ObjectRef(GitRepository.ApiVersionV1, GitRepository.KindName, FluxNamespace, Source),
                new JsonObject { ["metadata"] = new JsonObject { ["annotations"] = new JsonObject { [RequestedAt] = DateTimeOffset.UtcNow.ToString("O") } } }, ct);
            return revision;
        }

        /// <summary>Seconds from <paramref name="since"/> until the survivors run a first entity of the lost node (their
        /// tide_entities add up to more than they ran at the kill), and until they run every object (N Kustomizations
        /// and the GitRepository).</summary>
        private async Task<(string First, string All)> WaitForEntitiesAsync(List<NodeProcess> survivors, long since)
        {
            Task<int> Total() => Task.WhenAll(survivors.Select(s => s.EntitiesAsync(ct))).ContinueWith(t => t.Result.Sum(), ct);
            try
            {
                var before = await Total();
                await Eventually.WaitAsync(Total, total => total > before, timeout, "the survivors to run an entity of the lost node");
                var first = $"{Stopwatch.GetElapsedTime(since).TotalSeconds:F1}";
                await Eventually.WaitAsync(Total, total => total >= names.Count + 1, timeout, "the survivors to run every entity");
                return (first, $"{Stopwatch.GetElapsedTime(since).TotalSeconds:F1}");
            }
            catch (TimeoutException e)
            {
                return ("-", $"not within {timeout.TotalSeconds:F0} s ({e.Message})");
            }
        }

        /// <summary>Waits until every Kustomization is Ready at <paramref name="revision"/>: seconds from
        /// <paramref name="since"/>, and how many never got there within the timeout.</summary>
        private async Task<(string Seconds, int Lost)> ConvergeAsync(string revision, long since, long announced)
        {
            try
            {
                await kustomizations.WaitAsync(names, ReconcileBench.AppliedAndReady(revision), announced, timeout, "all at the new commit", ct);
                return ($"{Stopwatch.GetElapsedTime(since).TotalSeconds:F1}", 0);
            }
            catch (TimeoutException e)
            {
                var missing = int.Parse(e.Message.Split("; ")[1].Split(' ')[0], CultureInfo.InvariantCulture);
                return ($"not within {timeout.TotalSeconds:F0} s", missing);
            }
        }
    }

    /// <summary>One Tide node: a `tide run` process on its own loopback address, and its Pod object.</summary>
    private sealed class NodeProcess(int index, TempDirectory work, string kubeconfig, string extraConfig)
    {
        private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(5) };
        private readonly int _remotingPort = FreePort.Next();
        private readonly int _managementPort = FreePort.Next();
        private readonly int _metricsPort = FreePort.Next();
        private readonly List<(long At, string Line)> _output = [];
        private Process? _process;

        public int Index => index;

        public string Ip => $"127.0.0.{index + 2}";

        /// <summary>Creates the node's Pod as the kubelet reports it once it runs (phase Running, its IP).</summary>
        public async Task CreatePodAsync(KubeClient kube, CancellationToken ct)
        {
            var pod = await kube.ApplyAsync(Pod(), Bench, ct);
            await kube.ApplyStatusAsync(ObjectRef.Of(pod), new JsonObject { ["phase"] = "Running", ["podIP"] = Ip }, "kubelet", ct);
        }

        private JsonObject Pod() => new()
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Pod",
            ["metadata"] = new JsonObject
            {
                ["name"] = $"tide-{index}", ["namespace"] = FluxNamespace,
                ["labels"] = new JsonObject { ["app.kubernetes.io/name"] = "tide" },
            },
            ["spec"] = new JsonObject
            {
                ["containers"] = new JsonArray(new JsonObject
                {
                    ["name"] = "tide", ["image"] = "tide",
                    ["ports"] = new JsonArray(new JsonObject { ["name"] = "management", ["containerPort"] = _managementPort }),
                }),
            },
        };

        public void Start()
        {
            var config = work.Combine($"node{index}.conf");
            File.WriteAllText(config, $$"""
                akka.loglevel = WARNING
                akka.remote.dot-netty.tcp.hostname = "{{Ip}}"
                akka.remote.dot-netty.tcp.port = {{_remotingPort}}
                tide.cluster {
                  discovery = kubernetes
                  kubernetes.required-contact-points = 2
                  management.port = {{_managementPort}}
                }
                tide.artifacts.directory = "{{work.Combine($"node{index}")}}"
                tide.artifacts.host = "{{Ip}}"
                tide.webhooks.port = 0
                tide.ui.enabled = off
                tide.metrics.host = "{{Ip}}"
                tide.metrics.port = {{_metricsPort}}
                tide.backoff.min = 500ms
                {{extraConfig}}
                """);
            lock (_output)
                _output.Clear();
            var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "tide.dll"), "run", "--kubeconfig", kubeconfig, "--config", config })
                info.ArgumentList.Add(arg);
            info.Environment["POD_NAMESPACE"] = FluxNamespace;
            _process = Process.Start(info)!;
            DataReceivedEventHandler collect = (_, e) =>
            {
                if (e.Data is not null)
                    lock (_output)
                        _output.Add((Stopwatch.GetTimestamp(), e.Data));
            };
            _process.OutputDataReceived += collect;
            _process.ErrorDataReceived += collect;
            _process.BeginOutputReadLine();
            _process.BeginErrorReadLine();
        }

        public Task WaitUpAsync(TimeSpan timeout, CancellationToken ct) =>
            Eventually.WaitAsync(() =>
            {
                lock (_output)
                    return Task.FromResult((Up: _output.Any(l => l.Line.StartsWith("tide: node ", StringComparison.Ordinal)),
                        Output: string.Join(" | ", _output.Select(l => l.Line).Where(l => !l.StartsWith("   at ", StringComparison.Ordinal)).TakeLast(10))));
            }, seen => seen.Up, timeout, $"node {index} to be up");

        /// <summary>Where the other nodes reach this one.</summary>
        public string Address => $"akka.tcp://tide@{Ip}:{_remotingPort}";

        /// <summary>Seconds from <paramref name="since"/> until this node printed a line starting with
        /// <paramref name="prefix"/> (after <paramref name="since"/>), or "-".</summary>
        public string SecondsUntil(string prefix, long since)
        {
            lock (_output)
            {
                var line = _output.FirstOrDefault(l => l.At >= since && l.Line.StartsWith(prefix, StringComparison.Ordinal));
                return line.Line is null ? "-" : $"{Stopwatch.GetElapsedTime(since, line.At).TotalSeconds:F1}";
            }
        }

        /// <summary>The entities this node runs (its tide_entities gauges added up); 0 while it does not answer.</summary>
        public async Task<int> EntitiesAsync(CancellationToken ct)
        {
            try
            {
                var metrics = await Http.GetStringAsync($"http://{Ip}:{_metricsPort}/metrics", ct);
                return metrics.Split('\n')
                    .Where(l => l.StartsWith("tide_entities{", StringComparison.Ordinal))
                    .Sum(l => (int)double.Parse(l[(l.LastIndexOf('}') + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture));
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                return 0;
            }
        }

        public void Kill()
        {
            _process?.Kill(entireProcessTree: true);
            _process?.WaitForExit();
            _process?.Dispose();
            _process = null;
        }

        /// <summary>SIGTERM, as the kubelet stops a pod: the node leaves the cluster and hands its shards over.</summary>
        public async Task TerminateAsync()
        {
            if (_process is null)
                return;
            using (var term = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]))
                await term.WaitForExitAsync();
            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            try
            {
                await _process.WaitForExitAsync(grace.Token);
            }
            catch (OperationCanceledException)
            {
                Console.WriteLine($"# node {index} did not stop within 30 s of SIGTERM; killed");
            }
            Kill();
        }

        public Task StopAsync() => TerminateAsync();
    }

    private static void WriteApps(GitWorkingCopy repo, IEnumerable<string> names, string value)
    {
        foreach (var name in names)
            repo.Write($"apps/{name}/configmap.yaml",
                $"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\n  namespace: {TargetNamespace}\ndata:\n  value: \"{value}\"\n");
    }

    private static JsonObject SourceObject(string url) => new()
    {
        ["apiVersion"] = GitRepository.ApiVersionV1,
        ["kind"] = GitRepository.KindName,
        ["metadata"] = new JsonObject { ["name"] = Source, ["namespace"] = FluxNamespace },
        ["spec"] = new JsonObject { ["url"] = url, ["interval"] = "10m", ["ref"] = new JsonObject { ["branch"] = "main" } },
    };

    private static JsonObject KustomizationObject(string name) => new()
    {
        ["apiVersion"] = Kustomization.ApiVersionV1,
        ["kind"] = Kustomization.KindName,
        ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = FluxNamespace },
        ["spec"] = new JsonObject
        {
            ["interval"] = "10m", ["path"] = $"./apps/{name}", ["prune"] = true,
            ["sourceRef"] = new JsonObject { ["kind"] = GitRepository.KindName, ["name"] = Source },
        },
    };

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "?";
}
