using System.Diagnostics;
using System.Globalization;
using Tide.Engine.Kustomize;

namespace Tide.Bench;

/// <summary>
/// `kustomize [root...] [--runs N] [--tide PATH]`: for each corpus root, the in-process build time (median of N),
/// and the whole-process time of `tide kustomize` and of `kubectl kustomize` (median of N). Each figure is
/// wall time / CPU time in ms: on a shared machine the CPU time is the steadier comparison.
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
        Console.WriteLine("| root | in-process build, wall / CPU (ms) | tide kustomize process, wall / CPU (ms) | kubectl kustomize process, wall / CPU (ms) |");
        Console.WriteLine("|---|---|---|---|");
        foreach (var root in roots)
        {
            var entry = File.ReadAllText(Path.Combine(corpus, "kustomize", root, "ENTRY")).Trim();
            var dir = Path.Combine(corpus, "kustomize", root, entry);
            Kustomizer.Build(dir).ToYaml(); // warm-up: JIT and file cache
            var inProcess = Median(runs, () => Kustomizer.Build(dir).ToYaml());
            var tideMs = tide is null ? (double.NaN, double.NaN) : await MedianProcessAsync(runs, tide, ["kustomize", dir]);
            var kubectlMs = await MedianProcessAsync(runs, "kubectl", ["kustomize", dir]);
            Console.WriteLine($"| {root} | {inProcess.Wall:F0} / {inProcess.Cpu:F0} | {tideMs.Item1:F0} / {tideMs.Item2:F0} | " +
                              $"{kubectlMs.Item1:F0} / {kubectlMs.Item2:F0} |");
        }
        return 0;
    }

    private static (double Wall, double Cpu) Median(int runs, Action action)
    {
        var wall = new List<double>();
        var cpu = new List<double>();
        using var self = Process.GetCurrentProcess();
        for (var i = 0; i < runs; i++)
        {
            self.Refresh();
            var cpuBefore = self.TotalProcessorTime;
            var sw = Stopwatch.StartNew();
            action();
            wall.Add(sw.Elapsed.TotalMilliseconds);
            self.Refresh();
            cpu.Add((self.TotalProcessorTime - cpuBefore).TotalMilliseconds);
        }
        return (MedianOf(wall), MedianOf(cpu));
    }

    private static double MedianOf(List<double> values)
    {
        values.Sort();
        return values[values.Count / 2];
    }

    /// <summary>Runs the command under bash's `time` (user + system CPU of the child), output discarded.</summary>
    private static async Task<(double Wall, double Cpu)> MedianProcessAsync(int runs, string file, string[] arguments)
    {
        var wall = new List<double>();
        var cpu = new List<double>();
        for (var i = 0; i < runs; i++)
        {
            var psi = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
            psi.ArgumentList.Add("-c");
            psi.ArgumentList.Add("TIMEFORMAT='%3U %3S'; { time \"$@\" > /dev/null 2> /dev/null; } 2>&1");
            psi.ArgumentList.Add("bench");
            psi.ArgumentList.Add(file);
            foreach (var a in arguments)
                psi.ArgumentList.Add(a);
            var sw = Stopwatch.StartNew();
            using var p = Process.Start(psi)!;
            var output = await p.StandardOutput.ReadToEndAsync();
            await p.WaitForExitAsync();
            wall.Add(sw.Elapsed.TotalMilliseconds);
            var parts = output.Trim().Split(' ');
            cpu.Add((double.Parse(parts[0], CultureInfo.InvariantCulture) + double.Parse(parts[1], CultureInfo.InvariantCulture)) * 1000);
        }
        return (MedianOf(wall), MedianOf(cpu));
    }
}
