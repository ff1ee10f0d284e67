using System.Diagnostics;
using Tide.Testing;

namespace Tide.Bench;

/// <summary>
/// A `tide run` process (the tide.dll next to the benchmark) against a kubeconfig, as a node of the Akka cluster whose
/// first node listens on <c>seedPort</c>; its output goes to a log file. Its CPU time and resident memory are read
/// from /proc, so a benchmark measures the node apart from the API server and the source servers in its own process.
/// </summary>
internal sealed class TideNodeProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _log;

    private TideNodeProcess(Process process, string log)
    {
        _process = process;
        _log = log;
    }

    public int Id => _process.Id;

    /// <summary>Starts node <paramref name="index"/> (index 0 is the seed) and returns once it is an Up member
    /// (/readyz on its artifact port).</summary>
    public static async Task<TideNodeProcess> StartAsync(string directory, string kubeconfig, int index, int seedPort,
        string extraConfig, CancellationToken ct)
    {
        var artifactsPort = FreePort.Next();
        var remotingPort = index == 0 ? seedPort : FreePort.Next();
        var nodeDirectory = Path.Combine(directory, $"node{index}");
        Directory.CreateDirectory(nodeDirectory);
        var config = Path.Combine(nodeDirectory, "tide.conf");
        await File.WriteAllTextAsync(config, $$"""
            akka.loglevel = WARNING
            akka.remote.dot-netty.tcp.port = {{remotingPort}}
            akka.cluster.seed-nodes = ["akka.tcp://tide@127.0.0.1:{{seedPort}}"]
            tide.artifacts.directory = "{{Path.Combine(nodeDirectory, "artifacts")}}"
            tide.artifacts.port = {{artifactsPort}}
            tide.webhooks.port = 0
            tide.ui.enabled = off
            tide.metrics.port = 0
            {{extraConfig}}
            """, ct);
        var log = Path.Combine(nodeDirectory, "tide.log");
        var tide = Path.Combine(AppContext.BaseDirectory, "tide.dll");
        // The shell sends the node's output to its log file, so nothing here has to drain its pipes.
        var start = new ProcessStartInfo("/bin/sh", ["-c", $"exec dotnet \"{tide}\" run --kubeconfig \"{kubeconfig}\" --config \"{config}\" >\"{log}\" 2>&1"]);
        var node = new TideNodeProcess(Process.Start(start)!, log);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (node._process.HasExited)
                throw new InvalidOperationException($"tide run (node {index}) exited: {await node.TailAsync()}");
            try
            {
                if ((await http.GetAsync($"http://127.0.0.1:{artifactsPort}/readyz", ct)).IsSuccessStatusCode)
                    return node;
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException) when (!ct.IsCancellationRequested)
            {
                // Slow to answer under load.
            }
            if (deadline.Elapsed > TimeSpan.FromSeconds(120))
            {
                await node.DisposeAsync();
                throw new TimeoutException($"tide run (node {index}) not ready after 120 s: {await node.TailAsync()}");
            }
            await Task.Delay(200, ct);
        }
    }

    /// <summary>User + system CPU time the process used so far.</summary>
    public TimeSpan CpuTime
    {
        get
        {
            // /proc/<pid>/stat: fields after the command (which is in parentheses); utime and stime are the 14th and
            // 15th fields, in clock ticks (100 a second on Linux).
            var stat = File.ReadAllText($"/proc/{_process.Id}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return TimeSpan.FromSeconds((long.Parse(fields[11]) + long.Parse(fields[12])) / 100.0);
        }
    }

    /// <summary>Resident memory (VmRSS) in bytes.</summary>
    public long ResidentBytes => File.ReadLines($"/proc/{_process.Id}/status")
        .Where(l => l.StartsWith("VmRSS:", StringComparison.Ordinal))
        .Select(l => long.Parse(l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024)
        .First();

    public async Task<string> TailAsync()
    {
        if (!File.Exists(_log))
            return "(no output)";
        var lines = await File.ReadAllLinesAsync(_log);
        return string.Join('\n', lines.TakeLast(20));
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            // SIGTERM: the node leaves its cluster and stops as on a pod's termination.
            Process.Start("kill", ["-TERM", _process.Id.ToString()])?.WaitForExit();
            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            try
            {
                await _process.WaitForExitAsync(grace.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill();
            }
        }
        _process.Dispose();
    }
}
