using Tide.ApiServer;
using Tide.ApiServer.Faults;
using Tide.Testing;

namespace Tide.EndToEnd.Tests;

/// <summary>An API server that fails a share of requests (500 and 429 with Retry-After): Tide retries with backoff
/// and converges; the node keeps running.</summary>
public sealed class FaultToleranceTests
{
    [Fact]
    public async Task FlakyApiServer_TideRetriesAndConverges()
    {
        var faults = new FaultOptions
        {
            InternalErrorRate = new Dictionary<string, double> { ["patch"] = 0.3, ["get"] = 0.1 },
            TooManyRequestsRate = new Dictionary<string, double> { ["create"] = 0.2 },
            RetryAfter = TimeSpan.FromMilliseconds(200),
            Seed = 7,
        };
        await using var env = await TideEnvironment.StartAsync(apiServer: new ApiServerOptions { Faults = faults });
        var repo = await env.CreateRepositoryAsync("flaky");
        for (var i = 0; i < 5; i++)
            repo.Write($"app/cm{i}.yaml", Manifests.ConfigMap("default", $"cm{i}", $"v{i}"));
        var commit = await repo.CommitAndPushAsync("five configmaps");

        // Setup goes through kubectl, which retries 429/500 on its own only for some verbs: retry here until it lands.
        async Task ApplyAsync(string yaml) => await Eventually.WaitAsync(async () =>
            (await ProcessRunner.RunAsync("kubectl", ["--kubeconfig", env.Kubeconfig, "apply", "--server-side", "--validate=false", "-f", "-"],
                stdin: yaml)).ExitCode, code => code == 0, TimeSpan.FromSeconds(30), "kubectl apply");
        await ApplyAsync(Manifests.FluxSystem);
        await ApplyAsync(Manifests.GitRepository("flaky", env.Git.RepositoryUrl("flaky")));
        await ApplyAsync(Manifests.Kustomization("flaky", "flaky", "./app"));

        await Eventually.WaitAsync(async () =>
            {
                var r = await ProcessRunner.RunAsync("kubectl", ["--kubeconfig", env.Kubeconfig, "get", "kustomization/flaky", "-n", "flux-system",
                    "-o", "jsonpath={.status.lastAppliedRevision}"]);
                return r.ExitCode == 0 ? r.Stdout : "";
            }, r => r == $"main@sha1:{commit}", TimeSpan.FromSeconds(90), "the Kustomization to converge despite the faults");
        for (var i = 0; i < 5; i++)
        {
            var value = await Eventually.WaitAsync(async () =>
                {
                    var r = await ProcessRunner.RunAsync("kubectl", ["--kubeconfig", env.Kubeconfig, "get", $"configmap/cm{i}", "-n", "default",
                        "-o", "jsonpath={.data.value}"]);
                    return r.ExitCode == 0 ? r.Stdout : null;
                }, v => v is not null, TimeSpan.FromSeconds(30), $"cm{i}");
            Assert.Equal($"v{i}", value);
        }
    }
}
