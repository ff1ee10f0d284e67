using System.Diagnostics;
using Tide.Engine.Helm.Rendering;

namespace Tide.Bench;

/// <summary>
/// `tide helm template` against `helm template` on the largest corpus charts: whole-process wall time of each tool
/// (median of several runs) and Tide's in-process render time, warm: from disk (load + values + render + sort) and
/// for an already loaded chart (what a reconciler holding the chart artifact pays).
/// Usage: helm [--corpus DIR] [--tide PATH] [--helm4 PATH] [--helm3 PATH] [--runs N]
/// </summary>
public static class HelmBench
{
    private static readonly string[] Charts = ["cert-manager", "prometheus", "flux2", "ingress-nginx", "kube-state-metrics"];

    public static async Task<int> RunAsync(string[] args)
    {
        var root = FindRoot();
        var corpus = Option(args, "--corpus") ?? Path.GetFullPath(Path.Combine(root, "..", "shared", "corpus", "helm"));
        var tide = Option(args, "--tide") ?? FirstExisting(
            Path.Combine(root, "src/Host/bin/Release/net10.0/tide"), Path.Combine(root, "src/Host/bin/Debug/net10.0/tide"));
        var helm4 = Option(args, "--helm4") ?? FirstExisting(Path.Combine(root, ".tools/v4/helm/helm"));
        var helm3 = Option(args, "--helm3") ?? FirstExisting(Path.Combine(root, ".tools/v3/helm/helm"));
        var runs = int.Parse(Option(args, "--runs") ?? "5", System.Globalization.CultureInfo.InvariantCulture);

        Console.WriteLine("| chart (case) | docs | Tide in-process, from disk ms | Tide in-process, loaded chart ms | tide process ms | helm v4.1.4 process ms | helm v3.17.2 process ms | helm v4 / Tide from disk | helm v4 / Tide loaded |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|");
        foreach (var chart in Charts)
        {
            var caseDir = Path.Combine(corpus, chart, "cases", "default");
            var release = File.ReadAllText(Path.Combine(caseDir, "release.txt")).Trim().Split(' ');
            var chartDir = Path.Combine(corpus, chart, "chart");
            var values = Path.Combine(caseDir, "values.yaml");
            var options = new HelmTemplateOptions(release[0], chartDir) { Namespace = release[1], ValuesFiles = [values] };
            var output = HelmTemplate.Render(options);
            var docs = output.Split("\n# Source: ").Length - 1;
            var loaded = Tide.Engine.Helm.Charts.ChartLoader.Load(chartDir);
            // Warm up until the JIT has settled (tiered compilation promotes hot methods after ~30 calls).
            for (var i = 0; i < 40; i++)
                HelmTemplate.Render(loaded, options);
            var samples = Math.Max(runs * 6, 30);
            var fromDisk = Median(Enumerable.Range(0, samples).Select(_ => Time(() => HelmTemplate.Render(options))));
            var warm = Median(Enumerable.Range(0, samples).Select(_ => Time(() => HelmTemplate.Render(loaded, options))));
            string[] cli = ["template", release[0], chartDir, "-f", values, "--namespace", release[1]];
            var tideMs = tide is null ? double.NaN : await ProcessMedianAsync(tide, ["helm", .. cli], runs);
            var helm4Ms = helm4 is null ? double.NaN : await ProcessMedianAsync(helm4, cli, runs);
            var helm3Ms = helm3 is null ? double.NaN : await ProcessMedianAsync(helm3, cli, runs);
            Console.WriteLine($"| {chart} (default) | {docs} | {fromDisk:F1} | {warm:F1} | {tideMs:F0} | {helm4Ms:F0} | {helm3Ms:F0} | {helm4Ms / fromDisk:F1}x | {helm4Ms / warm:F1}x |");
        }
        return 0;
    }

    private static double Time(Action action)
    {
        var sw = Stopwatch.StartNew();
        action();
        return sw.Elapsed.TotalMilliseconds;
    }

    private static double Median(IEnumerable<double> samples)
    {
        var sorted = samples.Order().ToList();
        return sorted[sorted.Count / 2];
    }

    private static async Task<double> ProcessMedianAsync(string exe, string[] args, int runs)
    {
        var samples = new List<double>();
        for (var i = 0; i < runs + 1; i++)
        {
            var psi = new ProcessStartInfo(exe) { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var a in args)
                psi.ArgumentList.Add(a);
            psi.Environment["HELM_CACHE_HOME"] = Path.Combine(Path.GetTempPath(), "tide-bench-helm");
            psi.Environment["HELM_CONFIG_HOME"] = Path.Combine(Path.GetTempPath(), "tide-bench-helm");
            psi.Environment["HELM_DATA_HOME"] = Path.Combine(Path.GetTempPath(), "tide-bench-helm");
            var sw = Stopwatch.StartNew();
            using var p = Process.Start(psi)!;
            var stdout = p.StandardOutput.ReadToEndAsync();
            var stderr = p.StandardError.ReadToEndAsync();
            await p.WaitForExitAsync();
            await Task.WhenAll(stdout, stderr);
            if (p.ExitCode != 0)
                throw new InvalidOperationException($"{exe} failed: {await stderr}");
            if (i > 0)
                samples.Add(sw.Elapsed.TotalMilliseconds);
        }
        return Median(samples);
    }

    private static string? Option(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    private static string? FirstExisting(params string[] paths) => paths.FirstOrDefault(File.Exists);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Engine.sln")))
                return dir.FullName;
        return Directory.GetCurrentDirectory();
    }
}
