using System.Diagnostics;
using k8s;
using k8s.Models;
using Tide.ApiServer;

namespace Tide.Bench;

/// <summary>Throughput of the embedded API server through KubernetesClient (create, get, server-side apply, list) and
/// of watch delivery, at 1 and 16 concurrent clients. Usage: `apiserver [--seconds N] [--persist] [--url URL]`.
/// By default the server runs in this process (--persist: with a data directory, fsync per write); with --url the
/// benchmark drives a server started apart (`tide apiserver --no-workload-simulation`), so that client and server do
/// not share a thread pool: KubernetesClient blocks pool threads while it reads list responses, which in one process
/// also starves the server (the in-process run therefore raises the pool's minimum).</summary>
internal static class ApiServerBench
{
    private const string Namespace = "bench";

    public static async Task<int> RunAsync(string[] args)
    {
        var seconds = args.SkipWhile(a => a != "--seconds").Skip(1).Select(double.Parse).FirstOrDefault(3);
        var persist = args.Contains("--persist");
        var external = args.SkipWhile(a => a != "--url").Skip(1).Select(u => new Uri(u)).FirstOrDefault();
        var duration = TimeSpan.FromSeconds(seconds);
        var data = persist ? Directory.CreateTempSubdirectory("tide-bench-").FullName : null;
        if (external is null) ThreadPool.SetMinThreads(64, 64);
        try
        {
            await using var server = external is null
                ? await ApiServerHost.StartAsync(new ApiServerOptions { SimulateWorkloads = false, DataDirectory = data })
                : null;
            var url = external ?? server!.Url;
            var clients = Enumerable.Range(0, 16).Select(_ => new Kubernetes(new KubernetesClientConfiguration { Host = url.ToString() })).ToArray();
            await clients[0].CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new() { Name = Namespace } });
            await clients[0].CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new() { Name = "list" } });
            for (var i = 0; i < 500; i++)
            {
                await clients[0].CoreV1.CreateNamespacedConfigMapAsync(Object($"item-{i:D4}"), "list");
            }
            Console.WriteLine($"# API server benchmark: {seconds}s per figure, " +
                $"{(external is not null ? "server in another process" : persist ? "in process, persistent (--data, fsync per write)" : "in process, in memory")}, " +
                $"{Environment.ProcessorCount} cores, .NET {Environment.Version}");
            Console.WriteLine("| operation | clients | ops/s | p50 ms | p99 ms |");
            Console.WriteLine("|---|---:|---:|---:|---:|");
            var created = 0;
            foreach (var concurrency in new[] { 1, 16 })
            {
                await MeasureAsync("create", concurrency, duration, clients, (c, _) =>
                    c.CoreV1.CreateNamespacedConfigMapAsync(Object($"c-{Interlocked.Increment(ref created)}"), Namespace));
            }
            foreach (var concurrency in new[] { 1, 16 })
            {
                await MeasureAsync("get", concurrency, duration, clients, (c, i) =>
                    c.CoreV1.ReadNamespacedConfigMapAsync($"c-{1 + i % Math.Max(1, created)}", Namespace));
            }
            var tenants = await ServiceAccountClientsAsync(clients[0], url, otherBindings: 200);
            foreach (var concurrency in new[] { 1, 16 })
            {
                await MeasureAsync("get (as a ServiceAccount: RBAC, 200 other bindings)", concurrency, duration, tenants, (c, i) =>
                    c.CoreV1.ReadNamespacedConfigMapAsync($"c-{1 + i % Math.Max(1, created)}", Namespace));
            }
            var applies = 0;
            foreach (var concurrency in new[] { 1, 16 })
            {
                await MeasureAsync("apply (server-side, changing)", concurrency, duration, clients, (c, i) =>
                {
                    var n = Interlocked.Increment(ref applies);
                    var body = $$$"""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"applied-{{{n % 100}}}"},"data":{"n":"{{{n}}}"}}""";
                    var patch = new V1Patch(body, V1Patch.PatchType.ApplyPatch);
                    return c.CoreV1.PatchNamespacedConfigMapAsync(patch, $"applied-{n % 100}", Namespace, fieldManager: "bench", force: true);
                });
            }
            foreach (var concurrency in new[] { 1, 16 })
            {
                await MeasureAsync("list (500 objects)", concurrency, duration, clients, (c, _) => c.CoreV1.ListNamespacedConfigMapAsync("list"));
            }
            foreach (var watchers in new[] { 1, 16 })
            {
                await MeasureWatchAsync(url, clients, watchers, duration);
            }
            await MeasureFanOutAsync(url, clients[0], watchers: 2000, writes: 20);
        }
        finally
        {
            if (data is not null) Directory.Delete(data, recursive: true);
        }
        return 0;
    }

    /// <summary>Clients acting as the ServiceAccount bench:reader (Impersonate-User), allowed to read ConfigMaps by a
    /// Role, among <paramref name="otherBindings"/> bindings of other accounts: requests that go through RBAC.</summary>
    private static async Task<Kubernetes[]> ServiceAccountClientsAsync(Kubernetes admin, Uri url, int otherBindings)
    {
        await admin.RbacAuthorizationV1.CreateNamespacedRoleAsync(new V1Role
        {
            Metadata = new() { Name = "reader" },
            Rules = [new V1PolicyRule { ApiGroups = [""], Resources = ["configmaps"], Verbs = ["get", "list"] }],
        }, Namespace);
        for (var i = 0; i <= otherBindings; i++)
        {
            var account = i == otherBindings ? "reader" : $"other-{i}";
            await admin.RbacAuthorizationV1.CreateNamespacedRoleBindingAsync(new V1RoleBinding
            {
                Metadata = new() { Name = account },
                RoleRef = new V1RoleRef { ApiGroup = "rbac.authorization.k8s.io", Kind = "Role", Name = "reader" },
                Subjects = [new Rbacv1Subject { Kind = "ServiceAccount", Name = account }],
            }, Namespace);
        }
        return Enumerable.Range(0, 16)
            .Select(_ => new Kubernetes(new KubernetesClientConfiguration { Host = url.ToString() },
                new ImpersonationHandler($"system:serviceaccount:{Namespace}:reader")))
            .ToArray();
    }

    private sealed class ImpersonationHandler(string user) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            request.Headers.Add("Impersonate-User", user);
            return base.SendAsync(request, cancellationToken);
        }
    }

    private static V1ConfigMap Object(string name) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, Labels = new Dictionary<string, string> { ["app"] = "bench" } },
        Data = new Dictionary<string, string> { ["key"] = "value", ["other"] = new string('x', 200) },
    };

    private static async Task MeasureAsync(string name, int concurrency, TimeSpan duration, Kubernetes[] clients,
        Func<Kubernetes, int, Task> operation)
    {
        var latencies = new List<double>[concurrency];
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(worker => Task.Run(async () =>
        {
            var mine = latencies[worker] = [];
            var client = clients[worker];
            for (var i = worker; clock.Elapsed < duration; i += concurrency)
            {
                var started = Stopwatch.GetTimestamp();
                await operation(client, i);
                mine.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
        })));
        var all = latencies.SelectMany(l => l).Order().ToList();
        Console.WriteLine($"| {name} | {concurrency} | {all.Count / clock.Elapsed.TotalSeconds:F0} | " +
            $"{all[all.Count / 2]:F2} | {all[(int)(all.Count * 0.99)]:F2} |");
    }

    /// <summary>Watchers on one namespace while 16 writers create objects in it: events delivered per second, summed
    /// over watchers, from the first write until every watcher has received every event.</summary>
    private static async Task MeasureWatchAsync(Uri url, Kubernetes[] clients, int watchers, TimeSpan duration)
    {
        var ns = $"watch-{watchers}";
        await clients[0].CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new() { Name = ns } });
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = int.MaxValue }) { BaseAddress = url };
        var from = (await clients[0].CoreV1.ListNamespacedConfigMapAsync(ns)).Metadata.ResourceVersion;
        var received = new long[watchers];
        using var stop = new CancellationTokenSource();
        var readers = Enumerable.Range(0, watchers).Select(w => Task.Run(async () =>
        {
            using var response = await http.GetAsync($"/api/v1/namespaces/{ns}/configmaps?watch=1&resourceVersion={from}",
                HttpCompletionOption.ResponseHeadersRead);
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
            try
            {
                while (await reader.ReadLineAsync(stop.Token) is not null) received[w]++;
            }
            catch (OperationCanceledException)
            {
                // measurement over
            }
        })).ToList();
        await Task.Delay(200);
        var written = 0;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, 16).Select(worker => Task.Run(async () =>
        {
            while (clock.Elapsed < duration)
            {
                await clients[worker].CoreV1.CreateNamespacedConfigMapAsync(Object($"w-{Interlocked.Increment(ref written)}"), ns);
            }
        })));
        var writeSeconds = clock.Elapsed.TotalSeconds;
        // Let the watchers drain what was written, then measure how long delivery took in total.
        while (received.Sum() < (long)written * watchers && clock.Elapsed < duration * 3) await Task.Delay(10);
        var deliverySeconds = clock.Elapsed.TotalSeconds;
        await stop.CancelAsync();
        await Task.WhenAll(readers);
        Console.WriteLine($"| watch delivery ({watchers} watchers, 16 writers: {written / writeSeconds:F0} writes/s) | {watchers} | " +
            $"{received.Sum() / deliverySeconds:F0} events/s | | |");
    }

    /// <summary>Many idle watches (as many Tide nodes or controllers would hold), one write at a time: how long until
    /// every watcher has the event.</summary>
    private static async Task MeasureFanOutAsync(Uri url, Kubernetes client, int watchers, int writes)
    {
        const string ns = "fanout";
        await client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new() { Name = ns } });
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = int.MaxValue }) { BaseAddress = url };
        var from = (await client.CoreV1.ListNamespacedConfigMapAsync(ns)).Metadata.ResourceVersion;
        var streams = await Task.WhenAll(Enumerable.Range(0, watchers).Select(async _ =>
        {
            var response = await http.GetAsync($"/api/v1/namespaces/{ns}/configmaps?watch=1&resourceVersion={from}",
                HttpCompletionOption.ResponseHeadersRead);
            return (response, reader: new StreamReader(await response.Content.ReadAsStreamAsync()));
        }));
        var latencies = new List<double>();
        for (var i = 0; i < writes; i++)
        {
            var started = Stopwatch.GetTimestamp();
            await client.CoreV1.CreateNamespacedConfigMapAsync(Object($"f-{i}"), ns);
            await Task.WhenAll(streams.Select(s => s.reader.ReadLineAsync()));
            latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        foreach (var (response, reader) in streams)
        {
            reader.Dispose();
            response.Dispose();
        }
        latencies.Sort();
        Console.WriteLine($"| watch fan-out ({watchers} watches, write until every watch has the event) | 1 | " +
            $"{writes * watchers / (latencies.Sum() / 1000):F0} events/s | {latencies[latencies.Count / 2]:F1} | {latencies[^1]:F1} |");
    }
}
