using System.Diagnostics;
using System.Text.Json.Nodes;
using Tide.ApiServer;
using Tide.Engine.Api;
using Tide.Engine.Kube;
using Tide.Engine.Manifests;
using Tide.Engine.Sources.Oci;
using Tide.Testing;

namespace Tide.Bench;

/// <summary>
/// The shape of Flux's published benchmark (fluxcd/flux-benchmark): N apps, each an OCIRepository (docker-registry on
/// loopback, all pointing at one artifact) and a Kustomization with prune, wait and postBuild substitution that
/// applies a Deployment scaled to 0, a ServiceAccount, a Service and an Ingress (4 objects, named after the app by
/// substitution); or, with <c>--source git</c>, one shared GitRepository instead of N OCIRepositories. The embedded
/// API server (workload simulation without delay) and the source servers run in this process; Tide runs as
/// <c>--nodes</c> separate `tide run` processes (defaults, logs at WARNING), so their CPU and memory are their own.
/// <para>Measured: the API server's own apply ceiling first (the same 4N objects by server-side apply from this
/// process, 16 in flight, into another namespace), then from the first create to every Kustomization Ready at the
/// artifact's revision; objects/s and its ratio to the ceiling; each node's CPU time and resident memory.</para>
/// Usage: <c>flux [--apps N] [--source oci|git] [--nodes K] [--config HOCON] [--timeout SECONDS]</c>.
/// </summary>
internal static class FluxBench
{
    private const string FluxNamespace = "flux-system";
    private const string AppsNamespace = "apps";
    private const string CeilingNamespace = "ceiling";
    private const int ObjectsPerApp = 4;
    private static readonly ApplyOptions Bench = new() { FieldManager = "tide-bench" };

    public static async Task<int> RunAsync(string[] args)
    {
        var apps = Flag(args, "--apps", 1000);
        var nodes = Flag(args, "--nodes", 1);
        var timeout = TimeSpan.FromSeconds(Flag(args, "--timeout", 600));
        var git = args.SkipWhile(a => a != "--source").Skip(1).FirstOrDefault("oci") == "git";
        var extraConfig = args.SkipWhile(a => a != "--config").Skip(1).FirstOrDefault("");
        using var work = new TempDirectory("tide-bench-flux-");
        await using var apiServer = await ApiServerHost.StartAsync(new ApiServerOptions { WorkloadDelay = TimeSpan.Zero });
        var kubeconfig = apiServer.WriteKubeconfig(work.Combine("kubeconfig"));
        using var kube = KubeClient.FromKubeconfig(kubeconfig);
        foreach (var ns in new[] { FluxNamespace, AppsNamespace, CeilingNamespace })
            await kube.ApplyAsync(new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Namespace", ["metadata"] = new JsonObject { ["name"] = ns } },
                Bench, CancellationToken.None);

        var appDirectory = work.Combine("app");
        Directory.CreateDirectory(appDirectory);
        await File.WriteAllTextAsync(Path.Combine(appDirectory, "app.yaml"), AppManifest);
        await using var registry = await OciRegistryServer.StartAsync();
        await using var gitServer = await GitHttpServer.StartAsync();
        string revision;
        if (git)
        {
            var repo = await GitWorkingCopy.CreateAsync(gitServer.RepositoriesDirectory, "apps");
            repo.Write("app/app.yaml", AppManifest);
            revision = $"main@sha1:{await repo.CommitAndPushAsync("apps")}";
        }
        else
        {
            using var http = new HttpClient();
            var digest = await FluxArtifact.PushAsync(new OciClient(http, registry.Host, insecure: true, null),
                OciReference.Parse(registry.UrlFor("apps") + ":v1"), appDirectory, "bench", "v1", DateTimeOffset.UtcNow, CancellationToken.None);
            revision = $"v1@{digest}";
        }

        Console.WriteLine($"# Flux-benchmark shape: {apps} apps x {ObjectsPerApp} objects (Deployment replicas 0, ServiceAccount, Service, " +
            $"Ingress), Kustomizations with prune, wait, postBuild.substitute; sources: {(git ? "one shared GitRepository" : $"{apps} OCIRepositories (docker-registry)")}; " +
            $"{nodes} `tide run` process(es) with default settings{(extraConfig.Length > 0 ? " + " + extraConfig : "")}; embedded API server in the benchmark process; " +
            $"{Environment.ProcessorCount} cores; load average before: {LoadAverage()}");

        var ceiling = await MeasureCeilingAsync(kube, apps);
        Console.WriteLine($"API server apply ceiling (server-side apply from one client, 16 in flight): {apps * ObjectsPerApp} objects in " +
            $"{ceiling.TotalSeconds:F2} s = {apps * ObjectsPerApp / ceiling.TotalSeconds:F0} objects/s");

        var seedPort = FreePort.Next();
        var started = new List<TideNodeProcess>();
        try
        {
            for (var i = 0; i < nodes; i++)
                started.Add(await TideNodeProcess.StartAsync(work.Path, kubeconfig, i, seedPort, extraConfig, CancellationToken.None));
            var idle = started.Select(n => (n.CpuTime, n.ResidentBytes)).ToList();
            await using var watch = await ObjectWatch.StartAsync(kube, Kustomization.ApiVersionV1, Kustomization.KindName, FluxNamespace,
                CancellationToken.None);
            var names = Enumerable.Range(0, apps).Select(i => $"app-{i:D5}").ToList();
            var start = Stopwatch.GetTimestamp();
            if (git)
                await kube.ApplyAsync(GitRepositoryObject("apps", gitServer.RepositoryUrl("apps")), Bench, CancellationToken.None);
            await Parallel.ForEachAsync(names, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (name, ct) =>
            {
                if (!git)
                    await kube.ApplyAsync(OciRepositoryObject(name, registry.UrlFor("apps")), Bench, ct);
                await kube.ApplyAsync(KustomizationObject(name, git ? GitRepository.KindName : OciRepository.KindName, git ? "apps" : name,
                    git ? "./app" : "./"), Bench, ct);
            });
            var created = Stopwatch.GetElapsedTime(start);
            var ready = await watch.WaitAsync(names, AppliedAndReady(revision), start, timeout, "Kustomizations Ready", CancellationToken.None);
            var all = ready.Values.Max() / 1000;
            var sorted = ready.Values.Order().ToList();
            var rate = apps * ObjectsPerApp / all;
            Console.WriteLine("| apps | objects | created in | all Ready after | p50 | p95 | objects/s | of the ceiling | nodes' CPU during the run | nodes' resident memory |");
            Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
            var cpu = started.Select((n, i) => n.CpuTime - idle[i].CpuTime).Aggregate(TimeSpan.Zero, (a, b) => a + b);
            Console.WriteLine($"| {apps} | {apps * ObjectsPerApp} | {created.TotalSeconds:F1} s | {all:F1} s | {sorted[sorted.Count / 2] / 1000:F1} s | " +
                $"{sorted[(int)Math.Ceiling(0.95 * sorted.Count) - 1] / 1000:F1} s | {rate:F0} | {rate / (apps * ObjectsPerApp / ceiling.TotalSeconds):P0} | " +
                $"{cpu.TotalSeconds:F1} s | {string.Join(" + ", started.Select(n => $"{n.ResidentBytes >> 20} MiB"))} |");
            Console.WriteLine($"# load average after: {LoadAverage()}");
            return 0;
        }
        catch (TimeoutException e)
        {
            Console.Error.WriteLine($"flux benchmark stopped: {e.Message}");
            foreach (var node in started)
                Console.Error.WriteLine(await node.TailAsync());
            return 1;
        }
        finally
        {
            foreach (var node in started)
                await node.DisposeAsync();
        }
    }

    /// <summary>Server-side applies the same objects the apps make (into another namespace) as fast as one client
    /// can, 16 in flight.</summary>
    private static async Task<TimeSpan> MeasureCeilingAsync(KubeClient kube, int apps)
    {
        var objects = Enumerable.Range(0, apps).SelectMany(i => AppObjects($"app-{i:D5}", CeilingNamespace)).ToList();
        var start = Stopwatch.GetTimestamp();
        await Parallel.ForEachAsync(objects, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (obj, ct) =>
            await kube.ApplyAsync(obj, Bench, ct));
        return Stopwatch.GetElapsedTime(start);
    }

    /// <summary>What the artifact holds: the four objects, named by postBuild substitution.</summary>
    internal const string AppManifest = """
        apiVersion: v1
        kind: ServiceAccount
        metadata:
          name: ${app}
          namespace: apps
        ---
        apiVersion: v1
        kind: Service
        metadata:
          name: ${app}
          namespace: apps
        spec:
          selector: {app: "${app}"}
          ports: [{port: 80, targetPort: 8080}]
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: ${app}
          namespace: apps
        spec:
          replicas: 0
          selector:
            matchLabels: {app: "${app}"}
          template:
            metadata:
              labels: {app: "${app}"}
            spec:
              serviceAccountName: ${app}
              containers:
              - name: app
                image: ghcr.io/stefanprodan/podinfo:6.14.1
        ---
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata:
          name: ${app}
          namespace: apps
        spec:
          rules:
          - host: ${app}.example.com
            http:
              paths:
              - path: /
                pathType: Prefix
                backend:
                  service: {name: "${app}", port: {number: 80}}
        """;

    private static IEnumerable<JsonObject> AppObjects(string app, string ns) =>
        ManifestReader.Read(AppManifest.Replace("${app}", app).Replace("namespace: apps", "namespace: " + ns), "app.yaml");

    private static JsonObject OciRepositoryObject(string name, string url) => new()
    {
        ["apiVersion"] = OciRepository.ApiVersionV1,
        ["kind"] = OciRepository.KindName,
        ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = FluxNamespace },
        ["spec"] = new JsonObject
        {
            ["url"] = url, ["interval"] = "10m", ["insecure"] = true, ["ref"] = new JsonObject { ["tag"] = "v1" },
        },
    };

    private static JsonObject GitRepositoryObject(string name, string url) => new()
    {
        ["apiVersion"] = GitRepository.ApiVersionV1,
        ["kind"] = GitRepository.KindName,
        ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = FluxNamespace },
        ["spec"] = new JsonObject { ["url"] = url, ["interval"] = "10m", ["ref"] = new JsonObject { ["branch"] = "main" } },
    };

    private static JsonObject KustomizationObject(string name, string sourceKind, string source, string path) => new()
    {
        ["apiVersion"] = Kustomization.ApiVersionV1,
        ["kind"] = Kustomization.KindName,
        ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = FluxNamespace },
        ["spec"] = new JsonObject
        {
            ["interval"] = "10m",
            ["path"] = path,
            ["prune"] = true,
            ["wait"] = true,
            ["timeout"] = "5m",
            ["sourceRef"] = new JsonObject { ["kind"] = sourceKind, ["name"] = source },
            ["postBuild"] = new JsonObject { ["substitute"] = new JsonObject { ["app"] = name } },
        },
    };

    internal static Func<JsonObject, bool> AppliedAndReady(string revision) =>
        o => o["status"]?["lastAppliedRevision"]?.GetValue<string>() == revision &&
             (o["status"]?["conditions"] as JsonArray ?? []).Any(c =>
                 c?["type"]?.GetValue<string>() == "Ready" && c["status"]?.GetValue<string>() == "True");

    internal static string LoadAverage() => File.ReadAllText("/proc/loadavg").Split(' ')[..3].Aggregate((a, b) => $"{a} {b}");

    private static int Flag(string[] args, string name, int fallback) =>
        args.SkipWhile(a => a != name).Skip(1).Select(int.Parse).FirstOrDefault(fallback);
}
