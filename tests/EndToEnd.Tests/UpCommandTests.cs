using System.Diagnostics;
using Tide.Testing;

namespace Tide.EndToEnd.Tests;

/// <summary>`tide up` as a newcomer runs it: a separate process, a local repository, kubectl to look.</summary>
public sealed class UpCommandTests
{
    [Fact]
    public async Task Up_AppliesALocalRepository_FollowsNewCommits_AndStopsOnSigterm()
    {
        using var dir = new TempDirectory("tide-up-");
        var repo = await GitWorkingCopy.CreateAsync(dir.Path, "site");
        repo.Write("deploy/settings.yaml", Manifests.ConfigMap("default", "settings", "one"));
        await repo.CommitAndPushAsync("first");
        var kubeconfig = dir.Combine("kubeconfig");

        var tide = Path.Combine(AppContext.BaseDirectory, "tide.dll");
        var info = new ProcessStartInfo("dotnet", [tide, "up", "--source", repo.WorkPath, "--path", "deploy",
            "--interval", "2s", "--kubeconfig-out", kubeconfig])
        {
            WorkingDirectory = dir.Path,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(info)!;
        var output = new List<string>();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.Add(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.Add(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await Eventually.WaitAsync(() => Task.FromResult(File.Exists(kubeconfig)), e => e, TimeSpan.FromSeconds(60), "the kubeconfig");
            var kubectl = new Kubectl(kubeconfig);
            await Eventually.WaitAsync(() => kubectl.JsonPathAsync("configmap/settings", "default", "{.data.value}"),
                v => v == "one", TimeSpan.FromSeconds(60), "the first commit to be applied");

            // The working copy's branch is followed: a new local commit is applied within the interval.
            repo.Write("deploy/settings.yaml", Manifests.ConfigMap("default", "settings", "two"));
            await repo.CommitAndPushAsync("second");
            await Eventually.WaitAsync(() => kubectl.JsonPathAsync("configmap/settings", "default", "{.data.value}"),
                v => v == "two", TimeSpan.FromSeconds(60), "the second commit to be applied");
            lock (output)
                Assert.Contains(output, line => line.Contains("ConfigMap/default/settings created", StringComparison.Ordinal));

            // The web UI it announces lists the objects it made.
            string ui;
            lock (output)
                ui = output.Single(line => line.StartsWith("tide: web UI at ", StringComparison.Ordinal))["tide: web UI at ".Length..];
            using var http = new HttpClient();
            Assert.Contains("\"name\":\"tide-up\"", await http.GetStringAsync(ui + "api/objects"));

            await ProcessRunner.RunCheckedAsync("kill", ["-TERM", process.Id.ToString()]);
            using var exit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await process.WaitForExitAsync(exit.Token);
            Assert.Equal(0, process.ExitCode);
        }
        finally
        {
            if (!process.HasExited)
                process.Kill(entireProcessTree: true);
        }
    }
}
