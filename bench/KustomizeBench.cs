using System.Diagnostics;
using Tide.Engine.Kustomize;

namespace Tide.Bench;

/// <summary>
/// `kustomize [root...] [--runs N] [--tide PATH]`: for each corpus root, the in-process build time (median of N),
/// and the whole-process wall time of `tide kustomize` and of `kubectl kustomize` (median of N).
/// </summary>
public static class KustomizeBench
{
    public static async Task<int> RunAsync(string[] args)
    {
        var runs = 3;
        string? tide = null;
        var roots = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--runs") runs = int.Parse(args[++i]);
            else if (args[i] == "--tide") tide = args[++i];
            else roots.Add(args[i]);
        }
        var corpus = Path.GetFullPath(Environment.GetEnvironmentVariable("TIDE_CORPUS") ?? "../shared/corpus");
        if (roots.Count == 0)
            roots.AddRange(["synthetic-a-2000-deployments", "synthetic-b-200-bases", "synthetic-c-configmap-heavy"]);
        Console.WriteLine("| root | in-process build (ms) | tide kustomize process (ms) | kubectl kustomize process (ms) |");
        Console.WriteLine("|---|---|---|---|");
        foreach (var root in roots)
        {
            var entry = File.ReadAllText(Path.Combine(corpus, "kustomize", root, "ENTRY")).Trim();
            var dir = Path.Combine(corpus, "kustomize", root, entry);
            Kustomizer.Build(dir).ToYaml(); // warm-up: JIT and file cache
            var inProcess = Median(runs, () => Kustomizer.Build(dir).ToYaml());
            var tideMs = tide is null ? double.NaN : await MedianProcessAsync(runs, tide, ["kustomize", dir]);
            var kubectlMs = await MedianProcessAsync(runs, "kubectl", ["kustomize", dir]);
            Console.WriteLine($"| {root} | {inProcess:F0} | {tideMs:F0} | {kubectlMs:F0} |");
        }
        return 0;
    }

    private static double Median(int runs, Action action)
    {
        var times = new List<double>();
        for (var i = 0; i < runs; i++)
        {
            var sw = Stopwatch.StartNew();
            action();
            times.Add(sw.Elapsed.TotalMilliseconds);
        }
        times.Sort();
        return times[times.Count / 2];
    }

    private static async Task<double> MedianProcessAsync(int runs, string file, string[] arguments)
    {
        var times = new List<double>();
        for (var i = 0; i < runs; i++)
        {
            var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var a in arguments)
                psi.ArgumentList.Add(a);
            var sw = Stopwatch.StartNew();
            using var p = Process.Start(psi)!;
            var drain = p.StandardOutput.BaseStream.CopyToAsync(Stream.Null);
            var drainErr = p.StandardError.BaseStream.CopyToAsync(Stream.Null);
            await p.WaitForExitAsync();
            await Task.WhenAll(drain, drainErr);
            times.Add(sw.Elapsed.TotalMilliseconds);
        }
        times.Sort();
        return times[times.Count / 2];
    }
}
