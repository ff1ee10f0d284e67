using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Tide.Actors.Cluster;
using Tide.ApiServer;
using Tide.Engine.Api;
using Tide.Engine.Kube;
using Tide.Host.Runtime;
using Tide.Testing;

namespace Tide.Bench;

/// <summary>
/// Webhook to applied: how long after a Git host's push webhook reaches a Receiver the pushed commit is applied. One
/// process on loopback: the embedded API server, git over smart HTTP, one Tide node; a GitRepository and a
/// Kustomization with 1h intervals (only the webhook can explain a quick apply) and a generic Receiver naming the
/// GitRepository. Each round commits a changed ConfigMap, pushes, POSTs the webhook and waits (a watch, no polling)
/// for the ConfigMap's new value. Usage: `webhook [--rounds N]` (default 30).
/// </summary>
internal static class WebhookBench
{
    private const string Ns = "flux-system";
    private const string Token = "bench-webhook-token";

    public static async Task<int> RunAsync(string[] args)
    {
        var rounds = ReconcileBench.Flag(args, "--rounds", 30);
        var timeout = TimeSpan.FromSeconds(60);
        using var work = new TempDirectory("tide-bench-webhook-");
        await using var apiServer = await ApiServerHost.StartAsync(new ApiServerOptions { SimulateWorkloads = false });
        var kubeconfig = apiServer.WriteKubeconfig(work.Combine("kubeconfig"));
        await using var git = await GitHttpServer.StartAsync();
        var repo = await GitWorkingCopy.CreateAsync(git.RepositoriesDirectory, "app");
        repo.Write("deploy/settings.yaml", ConfigMap(0));
        var first = await repo.CommitAndPushAsync("round 0");
        var config = TideConfig.Load(null, $"""
            akka.loglevel = WARNING
            tide.artifacts.directory = "{work.Combine("artifacts")}"
            tide.webhooks.port = 0
            tide.metrics.port = 0
            """);
        await using var node = await TideRuntime.StartAsync(config, kubeconfig, null, CancellationToken.None);
        using var kube = KubeClient.FromKubeconfig(kubeconfig);
        foreach (var yaml in Objects(git.RepositoryUrl("app")))
            await kube.ApplyAsync(Tide.Engine.Manifests.ManifestReader.Read(yaml, "bench.yaml").Single(), new ApplyOptions { FieldManager = "tide-bench" }, CancellationToken.None);
        await using var configMaps = await ObjectWatch.StartAsync(kube, "v1", "ConfigMap", "default", CancellationToken.None);
        await configMaps.WaitAsync(["settings"], c => c["data"]?["round"]?.ToString() == "0", Stopwatch.GetTimestamp(), timeout,
            $"the first commit {first} applied", CancellationToken.None);
        await using var receivers = await ObjectWatch.StartAsync(kube, Receiver.ApiVersionV1, Receiver.KindName, Ns, CancellationToken.None);
        await receivers.WaitAsync(["push"], r => r["status"]?["webhookPath"] is not null, Stopwatch.GetTimestamp(), timeout,
            "the Receiver's webhook path", CancellationToken.None);
        var path = (await kube.GetAsync(new ObjectRef(Receiver.ApiVersionV1, Receiver.KindName, Ns, "push"), CancellationToken.None))!
            ["status"]!["webhookPath"]!.ToString();
        using var http = new HttpClient();

        Console.WriteLine($"# Webhook -> applied: one Tide node, embedded API server (in memory), git smart HTTP, loopback; " +
            $"{Environment.ProcessorCount} cores, .NET {Environment.Version}; {rounds} rounds");
        var total = new List<double>();
        var call = new List<double>();
        for (var round = 1; round <= rounds; round++)
        {
            repo.Write("deploy/settings.yaml", ConfigMap(round));
            await repo.CommitAndPushAsync($"round {round}");
            var body = Encoding.UTF8.GetBytes($$"""{"ref":"refs/heads/main","round":{{round}}}""");
            var started = Stopwatch.GetTimestamp();
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(node.WebhookUrl, path)) { Content = new ByteArrayContent(body) };
            request.Headers.Add("X-Signature", "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Token), body)));
            using var response = await http.SendAsync(request);
            call.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            if (!response.IsSuccessStatusCode)
                throw new InvalidOperationException($"the webhook answered {(int)response.StatusCode}");
            var expected = round.ToString();
            var arrived = await configMaps.WaitAsync(["settings"], c => c["data"]?["round"]?.ToString() == expected, started, timeout,
                $"round {round} applied", CancellationToken.None);
            total.Add(arrived["settings"]);
        }
        Console.WriteLine("| measured | p50 ms | p90 ms | max ms |");
        Console.WriteLine("|---|---|---|---|");
        Console.WriteLine($"| webhook call answered (resources annotated) | {Stats(call)} |");
        Console.WriteLine($"| webhook call -> new ConfigMap value seen | {Stats(total)} |");
        return 0;
    }

    private static string Stats(List<double> values) =>
        $"{ReconcileBench.Percentile(values, 0.5):F0} | {ReconcileBench.Percentile(values, 0.9):F0} | {values.Max():F0}";

    private static string ConfigMap(int round) => $"""
        apiVersion: v1
        kind: ConfigMap
        metadata: {"{"}name: settings, namespace: default{"}"}
        data: {"{"}round: "{round}"{"}"}
        """;

    private static IEnumerable<string> Objects(string url) =>
    [
        $"apiVersion: v1\nkind: Namespace\nmetadata:\n  name: {Ns}\n",
        $"apiVersion: v1\nkind: Secret\nmetadata:\n  name: webhook-token\n  namespace: {Ns}\nstringData:\n  token: {Token}\n",
        $"apiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\nmetadata:\n  name: app\n  namespace: {Ns}\n" +
        $"spec:\n  url: {url}\n  interval: 1h\n  ref:\n    branch: main\n",
        $"apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: app\n  namespace: {Ns}\n" +
        "spec:\n  interval: 1h\n  path: ./deploy\n  prune: true\n  sourceRef:\n    kind: GitRepository\n    name: app\n",
        $"apiVersion: notification.toolkit.fluxcd.io/v1\nkind: Receiver\nmetadata:\n  name: push\n  namespace: {Ns}\n" +
        "spec:\n  type: generic-hmac\n  secretRef:\n    name: webhook-token\n  resources:\n    - kind: GitRepository\n      name: app\n",
    ];
}
