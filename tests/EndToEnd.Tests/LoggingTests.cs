using System.Diagnostics;
using System.Text.Json.Nodes;
using Tide.Testing;

namespace Tide.EndToEnd.Tests;

/// <summary>`tide up --log-encoding json` as a process: every stdout line is one JSON object with Flux's keys, one
/// line per reconcile outcome names the object, revision and duration, and secret values planted in Git and in a
/// Provider's Secret appear in no log line, event or status.</summary>
public sealed class LoggingTests
{
    private const string PlantedValue = "planted-s3cr3t-value";
    private const string PlantedToken = "planted-provider-t0ken";

    [Fact]
    public async Task JsonLogs_ParseLineByLine_NameEachReconcile_AndHoldNoSecret()
    {
        using var dir = new TempDirectory("tide-logs-");
        var repo = await GitWorkingCopy.CreateAsync(dir.Path, "site");
        repo.Write("deploy/settings.yaml", Manifests.ConfigMap("default", "settings", "one"));
        repo.Write("deploy/secret.yaml", $$"""
            apiVersion: v1
            kind: Secret
            metadata: {name: app-secret, namespace: default}
            stringData: {password: {{PlantedValue}} }
            """);
        // A Provider that cannot be reached, with a token: its failure is logged, its token must not be.
        repo.Write("deploy/alert.yaml", $$"""
            apiVersion: v1
            kind: Secret
            metadata: {name: hook-token, namespace: flux-system}
            stringData: {token: {{PlantedToken}}, address: "http://127.0.0.1:{{FreePort.Next()}}/{{PlantedToken}}"}
            ---
            apiVersion: notification.toolkit.fluxcd.io/v1beta3
            kind: Provider
            metadata: {name: hook, namespace: flux-system}
            spec: {type: generic-hmac, secretRef: {name: hook-token} }
            ---
            apiVersion: notification.toolkit.fluxcd.io/v1beta3
            kind: Alert
            metadata: {name: hook, namespace: flux-system}
            spec:
              providerRef: {name: hook}
              eventSources: [{kind: Kustomization, name: '*'}]
            """);
        var commit = await repo.CommitAndPushAsync("first");
        var kubeconfig = dir.Combine("kubeconfig");
        var config = dir.Combine("tide.conf");
        await File.WriteAllTextAsync(config, """
            tide.webhooks.port = 0
            tide.metrics.port = 0
            tide.ui.enabled = off
            tide.notifications.retry-max = 1
            tide.notifications.retry-wait-min = 10ms
            """);

        var tide = Path.Combine(AppContext.BaseDirectory, "tide.dll");
        using var process = Process.Start(new ProcessStartInfo("dotnet", [tide, "up", "--source", repo.WorkPath, "--path", "deploy",
            "--kubeconfig-out", kubeconfig, "--config", config, "--log-encoding", "json", "--log-level", "debug"])
        {
            WorkingDirectory = dir.Path,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var stdout = new List<string>();
        var stderr = new List<string>();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (stdout) stdout.Add(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (stderr) stderr.Add(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            JsonObject[] Lines()
            {
                lock (stdout)
                    return stdout.Select(l => JsonNode.Parse(l)!.AsObject()).ToArray();
            }
            var reconciled = await Eventually.WaitAsync(
                () => Task.FromResult(Lines().FirstOrDefault(l => l["controllerKind"]?.ToString() == "Kustomization" &&
                    l["msg"]!.ToString().StartsWith("Reconciliation finished in ", StringComparison.Ordinal))),
                l => l is not null, TimeSpan.FromSeconds(90), "the Kustomization's reconcile line");
            Assert.Equal("info", reconciled!["level"]!.ToString());
            Assert.Equal(("kustomization", "tide-up", "flux-system", $"main@sha1:{commit}"),
                (reconciled["controller"]!.ToString(), reconciled["name"]!.ToString(), reconciled["namespace"]!.ToString(),
                 reconciled["revision"]!.ToString()));
            Assert.True(Guid.TryParse(reconciled["reconcileID"]!.ToString(), out _));
            Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$", reconciled["ts"]!.ToString());
            Assert.NotEmpty(reconciled["duration"]!.ToString());
            await Eventually.WaitAsync(
                () => Task.FromResult(Lines().Any(l => l["level"]!.ToString() == "error" && l["msg"]!.ToString().Contains("NotificationDispatchFailed"))),
                found => found, TimeSpan.FromSeconds(60), "the Provider's failure in the log");

            var kubectl = new Kubectl(kubeconfig);
            var everything = await kubectl.RunAsync("get", "events,kustomizations,gitrepositories,alerts,providers", "-A", "-o", "yaml");
            await ProcessRunner.RunCheckedAsync("kill", ["-TERM", process.Id.ToString()]);
            using var exit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await process.WaitForExitAsync(exit.Token);
            Assert.Equal(0, process.ExitCode);

            lock (stdout)
                everything += string.Join("\n", stdout) + string.Join("\n", stderr);
            Assert.DoesNotContain(PlantedValue, everything);
            Assert.DoesNotContain(PlantedToken, everything);
            Assert.All(Lines(), l => Assert.True(l["level"] is not null && l["ts"] is not null && l["msg"] is not null, l.ToJsonString()));
        }
        finally
        {
            if (!process.HasExited)
                process.Kill(entireProcessTree: true);
        }
    }
}
