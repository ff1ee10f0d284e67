using System.Diagnostics;
using System.Text.Json.Nodes;
using Tide.ApiServer;
using Tide.Engine.Api;
using Tide.Engine.Kube;
using Tide.Host.Runtime;
using Tide.Testing;

namespace Tide.Bench;

/// <summary>
/// N HelmReleases of one chart shaped like Flux's benchmark chart (a Deployment scaled to 0, a ServiceAccount, a
/// Service, an Ingress) from one HelmRepository, on one Tide node with the embedded API server: from creating them to
/// every one Ready, and the node's memory.
/// </summary>
internal static class HelmReleaseBench
{
    private const string FluxNamespace = "flux-system";
    private const string TargetNamespace = "apps";
    private static readonly ApplyOptions Bench = new() { FieldManager = "tide-bench" };

    public static async Task<int> RunAsync(string[] args)
    {
        var releases = args.SkipWhile(a => a != "--releases").Skip(1).Select(int.Parse).FirstOrDefault(1000);
        var timeout = TimeSpan.FromSeconds(args.SkipWhile(a => a != "--timeout").Skip(1).Select(int.Parse).FirstOrDefault(600));
        using var work = new TempDirectory("tide-bench-helm-");
        await using var charts = await ChartRepository.StartAsync([WriteChart(work.Path)]);
        await using var apiServer = await ApiServerHost.StartAsync(new ApiServerOptions { WorkloadDelay = TimeSpan.Zero });
        var kubeconfig = apiServer.WriteKubeconfig(work.Combine("kubeconfig"));
        var config = Tide.Actors.Cluster.TideConfig.Load(null, $"""
            akka.loglevel = WARNING
            tide.artifacts.directory = "{work.Combine("artifacts")}"
            """);
        await using var node = await TideRuntime.StartAsync(config, kubeconfig, null, CancellationToken.None);
        using var kube = KubeClient.FromKubeconfig(kubeconfig);
        foreach (var ns in new[] { FluxNamespace, TargetNamespace })
            await kube.ApplyAsync(new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Namespace", ["metadata"] = new JsonObject { ["name"] = ns } },
                Bench, CancellationToken.None);
        await using var watch = await ObjectWatch.StartAsync(kube, HelmRelease.ApiVersionV2, HelmRelease.KindName, TargetNamespace, CancellationToken.None);
        Console.WriteLine($"# HelmRelease benchmark: {releases} HelmReleases of one chart (Deployment replicas 0, ServiceAccount, Service, " +
            $"Ingress) from one HelmRepository; one Tide node (defaults), embedded API server; {Environment.ProcessorCount} cores");

        var start = Stopwatch.GetTimestamp();
        await kube.ApplyAsync(FluxJson.ToNode(new HelmRepository
        {
            Metadata = new k8s.Models.V1ObjectMeta { Name = "charts", NamespaceProperty = FluxNamespace },
            Spec = new HelmRepositorySpec { Url = charts.Url, Interval = GoDuration.Parse("10m") },
        }).AsObject(), Bench, CancellationToken.None);
        var names = Enumerable.Range(0, releases).Select(i => $"app-{i:D4}").ToList();
        await Parallel.ForEachAsync(names, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (name, ct) =>
            await kube.ApplyAsync(FluxJson.ToNode(new HelmRelease
            {
                Metadata = new k8s.Models.V1ObjectMeta { Name = name, NamespaceProperty = TargetNamespace },
                Spec = new HelmReleaseSpec
                {
                    Interval = GoDuration.Parse("10m"),
                    Chart = new HelmChartTemplate
                    {
                        Spec = new HelmChartTemplateSpec
                        {
                            Chart = "bench",
                            SourceRef = new CrossNamespaceObjectReference { Kind = HelmRepository.KindName, Name = "charts", Namespace = FluxNamespace },
                        },
                    },
                },
            }).AsObject(), Bench, ct));
        var created = Stopwatch.GetElapsedTime(start);
        var ready = await watch.WaitAsync(names, o => (o["status"]?["conditions"] as JsonArray ?? []).Any(c =>
            c?["type"]?.GetValue<string>() == "Ready" && c["status"]?.GetValue<string>() == "True"), start, timeout, "HelmReleases Ready", CancellationToken.None);
        var sorted = ready.Values.Order().ToList();
        Console.WriteLine($"| releases | created in | all Ready after | p50 | p95 | process working set | managed heap |");
        Console.WriteLine($"| {releases} | {created.TotalSeconds:F1} s | {sorted[^1] / 1000:F1} s | {sorted[sorted.Count / 2] / 1000:F1} s | " +
            $"{sorted[(int)Math.Ceiling(0.95 * sorted.Count) - 1] / 1000:F1} s | {Environment.WorkingSet / (1 << 20)} MiB | {GC.GetTotalMemory(false) / (1 << 20)} MiB |");
        return 0;
    }

    private static string WriteChart(string directory)
    {
        var root = Path.Combine(directory, "bench");
        Directory.CreateDirectory(Path.Combine(root, "templates"));
        File.WriteAllText(Path.Combine(root, "Chart.yaml"), "apiVersion: v2\nname: bench\nversion: 1.0.0\n");
        File.WriteAllText(Path.Combine(root, "values.yaml"), "replicas: 0\n");
        File.WriteAllText(Path.Combine(root, "templates", "all.yaml"), """
            apiVersion: v1
            kind: ServiceAccount
            metadata:
              name: {{ .Release.Name }}
            ---
            apiVersion: v1
            kind: Service
            metadata:
              name: {{ .Release.Name }}
            spec:
              selector: {app: {{ .Release.Name }}}
              ports: [{port: 80, targetPort: 8080}]
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: {{ .Release.Name }}
            spec:
              replicas: {{ .Values.replicas }}
              selector:
                matchLabels: {app: {{ .Release.Name }}}
              template:
                metadata:
                  labels: {app: {{ .Release.Name }}}
                spec:
                  serviceAccountName: {{ .Release.Name }}
                  containers:
                  - name: app
                    image: ghcr.io/stefanprodan/podinfo:6.14.1
            ---
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata:
              name: {{ .Release.Name }}
            spec:
              rules:
              - host: {{ .Release.Name }}.example.com
                http:
                  paths:
                  - path: /
                    pathType: Prefix
                    backend:
                      service: {name: {{ .Release.Name }}, port: {number: 80}}
            """);
        return root;
    }
}
