using System.Diagnostics;
using Tide.Testing;

namespace Tide.EndToEnd.Tests;

/// <summary>Runs the `tide` CLI as a separate process, as a user does, against a kubeconfig.</summary>
public sealed class TideCli(string kubeconfig)
{
    public static string Dll { get; } = Path.Combine(AppContext.BaseDirectory, "tide.dll");

    /// <summary>Runs `tide ARGS --kubeconfig K` and returns exit code, stdout and stderr.</summary>
    public Task<ProcessRunner.Result> RunAsync(params string[] args) =>
        ProcessRunner.RunAsync("dotnet", [Dll, .. args, "--kubeconfig", kubeconfig]);

    /// <summary>Runs it and requires exit code 0, returning stdout and stderr together.</summary>
    public async Task<string> RunOkAsync(params string[] args)
    {
        var result = await RunAsync(args);
        Assert.True(result.ExitCode == 0, $"tide {string.Join(' ', args)} exited {result.ExitCode}: {result.Stderr}{result.Stdout}");
        return result.Stdout + result.Stderr;
    }

    /// <summary>Starts `tide ARGS --kubeconfig K` (e.g. a watch); its stdout and stderr lines collect in
    /// <paramref name="lines"/>.</summary>
    public Process Start(List<string> lines, params string[] args) => Start(lines, new Dictionary<string, string>(), args);

    public Process Start(List<string> lines, IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in (string[])[Dll, .. args, "--kubeconfig", kubeconfig])
            info.ArgumentList.Add(arg);
        foreach (var (key, value) in environment)
            info.Environment[key] = value;
        var process = Process.Start(info)!;
        DataReceivedEventHandler collect = (_, e) =>
        {
            if (e.Data is not null)
                lock (lines)
                    lines.Add(e.Data);
        };
        process.OutputDataReceived += collect;
        process.ErrorDataReceived += collect;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>The cells of each table row of stdout (columns are separated by runs of spaces).</summary>
    public static IReadOnlyList<string[]> Rows(string stdout) => stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)
        .Select(line => line.Split("   ", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        .ToList();
}
