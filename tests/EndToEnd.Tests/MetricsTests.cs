using System.Net;
using System.Net.Sockets;
using Tide.Testing;

namespace Tide.EndToEnd.Tests;

/// <summary>A node's /metrics as a real Prometheus scrapes it: Flux's gotk_* series with Flux's labels, and Tide's own.</summary>
[Collection(ProcessMetricsCollection.Name)]
public sealed class MetricsTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Prometheus_ScrapesFluxsReconcileMetrics_AndTidesOwn()
    {
        await using var env = await TideEnvironment.StartAsync();
        var repo = await env.CreateRepositoryAsync("metrics");
        repo.Write("app/settings.yaml", Manifests.ConfigMap("default", "settings", "one"));
        var commit = await repo.CommitAndPushAsync("first");
        await env.Kubectl.ApplyAsync(Manifests.FluxSystem);
        await env.Kubectl.ApplyAsync(Manifests.GitRepository("metrics", env.Git.RepositoryUrl("metrics")));
        await env.Kubectl.ApplyAsync(Manifests.Kustomization("metrics", "metrics", "./app"));
        await env.Kubectl.ApplyAsync(Manifests.Kustomization("paused", "metrics", "./app", suspend: true));
        await Eventually.WaitAsync(() => env.Kubectl.JsonPathAsync("kustomization/metrics", "flux-system", "{.status.lastAppliedRevision}"),
            revision => revision == $"main@sha1:{commit}", Timeout, "the commit to be applied");

        var metrics = env.Nodes[0].MetricsUrl;
        await using var prometheus = await PrometheusServer.StartAsync([$"{metrics.Host}:{metrics.Port}"]);

        var ready = await Eventually.WaitAsync(() => prometheus.QueryAsync(
                """gotk_reconcile_condition{kind="Kustomization",name="metrics",namespace="flux-system",type="Ready",status="True"}"""),
            series => series.Count == 1, Timeout, "Prometheus to scrape the Kustomization's Ready condition");
        Assert.Equal("1", ready[0].Value);
        var notFalse = await prometheus.QueryAsync(
            """gotk_reconcile_condition{kind="Kustomization",name="metrics",type="Ready",status="False"}""");
        Assert.Equal("0", Assert.Single(notFalse).Value);

        var reconciles = await prometheus.QueryAsync(
            """gotk_reconcile_duration_seconds_count{kind="GitRepository",name="metrics",namespace="flux-system"}""");
        Assert.True(double.Parse(Assert.Single(reconciles).Value) >= 1);
        var suspended = await prometheus.QueryAsync("""gotk_suspend_status{kind="Kustomization",name="paused"}""");
        Assert.Equal("1", Assert.Single(suspended).Value);
        var entities = await prometheus.QueryAsync("""tide_entities{kind="Kustomization"}""");
        Assert.Equal("2", Assert.Single(entities).Value);
        var succeeded = await prometheus.QueryAsync("""tide_reconciles_total{kind="Kustomization",outcome="success"}""");
        Assert.True(double.Parse(Assert.Single(succeeded).Value) >= 1);

        // controller-runtime's families, as Flux's controllers expose them, and the stages' work queues.
        var controllerRuntime = await prometheus.QueryAsync("""controller_runtime_reconcile_total{controller="kustomization",result="success"}""");
        Assert.True(double.Parse(Assert.Single(controllerRuntime).Value) >= 1);
        var waited = await prometheus.QueryAsync("""workqueue_queue_duration_seconds_count{name="fetch"}""");
        Assert.True(double.Parse(Assert.Single(waited).Value) >= 1);
        Assert.Equal("0", Assert.Single(await prometheus.QueryAsync("""workqueue_depth{name="apply"}""")).Value);
        var members = await prometheus.QueryAsync($$"""tide_cluster_members{node="{{env.Nodes[0].Node.Address}}",status="up"}""");
        Assert.Equal("1", Assert.Single(members).Value);
    }

    /// <summary>`tide run` and `tide up` name the address of a port they cannot listen on, in one line, exit 1.</summary>
    [Theory]
    [InlineData("run", "metrics")]
    [InlineData("up", "webhooks")]
    [InlineData("run", "ui")]
    public async Task TakenPort_EndsTheCommandWithOneLineNamingTheAddress(string command, string takenSetting)
    {
        await using var env = await TideEnvironment.StartAsync(nodes: 0);
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;
        using var dir = new TempDirectory("tide-port-");
        var config = dir.Combine("tide.conf");
        await File.WriteAllTextAsync(config, $"""
            tide.metrics.port = 0
            tide.ui.port = 0
            tide.webhooks.port = 0
            tide.{takenSetting}.port = {port}
            tide.artifacts.directory = "{dir.Combine("artifacts")}"
            """);
        string[] args = command == "run"
            ? ["run", "--kubeconfig", env.Kubeconfig, "--config", config]
            : ["up", "--source", dir.Path, "--config", config, "--kubeconfig-out", dir.Combine("kubeconfig")];

        var result = await ProcessRunner.RunAsync("dotnet", [Path.Combine(AppContext.BaseDirectory, "tide.dll"), .. args]);

        Assert.Equal(1, result.ExitCode);
        var line = Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"tide: cannot listen on 127.0.0.1:{port}: ", line);
    }
}
