using System.Diagnostics;
using System.Text.Json.Nodes;
using Microsoft.Playwright;
using Tide.Actors.Cluster;
using Tide.ApiServer;
using Tide.Engine.Kube;
using Tide.Host.Runtime;
using Tide.Host.Ui;

namespace Tide.Bench;

/// <summary>
/// First paint of the web UI with many objects: the embedded API server holds N Flux objects (half GitRepositories,
/// half Kustomizations, every tenth failing) with their status, a <see cref="UiServer"/> serves them (no node: only the
/// page is measured), and Debian's Chromium (headless, through Playwright) opens the overview and then the
/// Kustomization list R times each, in fresh contexts (the overview lists the first 100 rows, failing first, and counts
/// all; a list shows 250 rows and a "Show all" button). Reported per run: first contentful paint, and the paint of the page with every row (the script's
/// `tide-painted` mark), both from navigation start, and when the rows arrived (`tide-snapshot`). Usage: `ui [--objects N] [--runs R]`.
/// </summary>
internal static class UiBench
{
    public static async Task<int> RunAsync(string[] args)
    {
        var objects = Flag(args, "--objects", 1000);
        var runs = Flag(args, "--runs", 10);
        var ct = CancellationToken.None;
        var dir = Directory.CreateTempSubdirectory("tide-ui-bench-");
        try
        {
            await using var server = await ApiServerHost.StartAsync(new ApiServerOptions(), ct);
            using var kube = KubeClient.FromKubeconfig(server.WriteKubeconfig(Path.Combine(dir.FullName, "kubeconfig")));
            await CrdInstaller.InstallMissingAsync(kube, ct);
            var seeded = Stopwatch.StartNew();
            await SeedAsync(kube, objects, ct);
            Console.WriteLine($"seeded {objects} objects with status in {seeded.Elapsed.TotalSeconds:0.0}s");

            await using var ui = await UiServer.StartAsync(new TideSettings { UiPort = 0 }, kube, () => null, ct);
            // Measure the page, not the informers' first list: wait until the UI holds every object.
            using (var http = new HttpClient())
            {
                while ((JsonNode.Parse(await http.GetStringAsync(new Uri(ui.Url, "api/objects"), ct)) as JsonArray)?.Count != objects)
                    await Task.Delay(50, ct);
            }
            using var playwright = await Playwright.CreateAsync();
            await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = "/usr/bin/chromium",
                Headless = true,
                Args = ["--no-sandbox"],
            });
            foreach (var (page, what) in new[] { ("", $"overview of {objects} objects"), ("#/kinds/Kustomization", $"Kustomization list ({objects / 2} objects, first 250 rows)") })
            {
                var paints = await MeasureAsync(browser, new Uri(ui.Url, page), runs);
                Console.WriteLine(what + ":");
                Report("  first contentful paint", paints.Select(p => p.Fcp).ToList());
                Report("  snapshot of every row received (server-sent event)", paints.Select(p => p.Snapshot).ToList());
                Report("  painted with its rows", paints.Select(p => p.Painted).ToList());
            }
            return 0;
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    /// <summary>Opens the page R times, each in a fresh context, after one unmeasured warm-up run.</summary>
    private static async Task<List<(double Fcp, double Snapshot, double Painted)>> MeasureAsync(IBrowser browser, Uri url, int runs)
    {
        var paints = new List<(double Fcp, double Snapshot, double Painted)>();
        for (var run = 0; run <= runs; run++)
        {
            await using var context = await browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 800 } });
            var page = await context.NewPageAsync();
            await page.GotoAsync(url.ToString());
            await page.WaitForFunctionAsync("performance.getEntriesByName('tide-painted').length > 0");
            var caption = await page.Locator("table.objects caption").TextContentAsync();
            if (caption?.Contains(" objects", StringComparison.Ordinal) != true)
                throw new InvalidOperationException($"the page shows '{caption}'");
            var fcp = await page.EvaluateAsync<double>("performance.getEntriesByName('first-contentful-paint')[0].startTime");
            var snapshot = await page.EvaluateAsync<double>("performance.getEntriesByName('tide-snapshot')[0].startTime");
            var painted = await page.EvaluateAsync<double>("performance.getEntriesByName('tide-painted')[0].startTime");
            if (run > 0)
                paints.Add((fcp, snapshot, painted));
        }
        return paints;
    }

    private static void Report(string what, List<double> ms)
    {
        ms.Sort();
        Console.WriteLine($"{what}: p50 {ms[ms.Count / 2]:0} ms, max {ms[^1]:0} ms ({ms.Count} runs)");
    }

    /// <summary>N objects with a Ready condition; every tenth is Ready=False with a message.</summary>
    private static async Task SeedAsync(KubeClient kube, int count, CancellationToken ct)
    {
        await kube.CreateAsync(new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Namespace", ["metadata"] = new JsonObject { ["name"] = "bench" } }, ct);
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = ct }, async (i, token) =>
        {
            var git = i % 2 == 0;
            var (apiVersion, kind) = git ? ("source.toolkit.fluxcd.io/v1", "GitRepository") : ("kustomize.toolkit.fluxcd.io/v1", "Kustomization");
            var name = $"app-{i:0000}";
            JsonObject spec = git
                ? new JsonObject { ["url"] = "https://example.invalid/app.git", ["interval"] = "10m", ["ref"] = new JsonObject { ["branch"] = "main" } }
                : new JsonObject { ["interval"] = "10m", ["path"] = "./", ["prune"] = true, ["sourceRef"] = new JsonObject { ["kind"] = "GitRepository", ["name"] = name } };
            await kube.CreateAsync(new JsonObject
            {
                ["apiVersion"] = apiVersion, ["kind"] = kind,
                ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = "bench" },
                ["spec"] = spec,
            }, token);
            var revision = $"main@sha1:{i:x40}";
            var failed = i % 10 == 0;
            var status = new JsonObject
            {
                ["observedGeneration"] = 1,
                ["conditions"] = new JsonArray(new JsonObject
                {
                    ["type"] = "Ready", ["status"] = failed ? "False" : "True", ["observedGeneration"] = 1,
                    ["lastTransitionTime"] = "2026-12-08T00:00:00Z",
                    ["reason"] = failed ? "BuildFailed" : "ReconciliationSucceeded",
                    ["message"] = failed ? $"kustomize build failed: accumulating resources from 'app-{i}.yaml': no such file" : $"Applied revision: {revision}",
                }),
            };
            if (git)
                status["artifact"] = new JsonObject { ["revision"] = revision, ["digest"] = $"sha256:{i:x64}" };
            else
                status["lastAppliedRevision"] = revision;
            await kube.ApplyStatusAsync(new ObjectRef(apiVersion, kind, "bench", name), status, "bench", token);
        });
    }

    private static int Flag(string[] args, string name, int fallback) =>
        args.SkipWhile(a => a != name).Skip(1).Select(int.Parse).FirstOrDefault(fallback);
}
