using System.Text.Json.Nodes;
using Tide.ApiServer;
using Tide.Testing;

namespace Tide.EndToEnd.Tests;

/// <summary>
/// HelmRepository -> HelmChart -> HelmRelease on a Tide node, with the real helm v4 as the second client of the
/// releases Tide stores: it lists them, reads their values and manifests, and sees the history of upgrades.
/// </summary>
public sealed class HelmReleaseTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);
    private static string Podinfo => Path.Combine(TestPaths.Corpus, "helm", "podinfo", "chart");

    private static string Repository(string url) => $$"""
        apiVersion: source.toolkit.fluxcd.io/v1
        kind: HelmRepository
        metadata: {name: charts, namespace: flux-system}
        spec:
          url: {{url}}
          interval: 1m
        """;

    private static string Release(string name, string values, string extra = "") => $$"""
        apiVersion: helm.toolkit.fluxcd.io/v2
        kind: HelmRelease
        metadata: {name: {{name}}, namespace: apps}
        spec:
          interval: 1m
          chart:
            spec:
              chart: podinfo
              version: ">=6.0.0"
              sourceRef: {kind: HelmRepository, name: charts, namespace: flux-system}
          values: {{values}}
        {{extra}}
        """;

    private static Task<string?> ReadyAsync(TideEnvironment env, string name) =>
        env.Kubectl.JsonPathAsync("helmrelease/" + name, "apps",
            "{.status.conditions[?(@.type==\"Ready\")].status}|{.status.conditions[?(@.type==\"Ready\")].reason}|{.status.conditions[?(@.type==\"Ready\")].message}");

    private static Task<string> WaitForReadyAsync(TideEnvironment env, string name, string reason) =>
        Eventually.WaitAsync(() => ReadyAsync(env, name), s => s?.StartsWith($"True|{reason}", StringComparison.Ordinal) == true,
            Timeout, $"HelmRelease {name} Ready with {reason}")!;

    private static Task<string> HelmAsync(TideEnvironment env, params string[] args) =>
        Tide.Testing.Helm.RunCheckedAsync([.. args, "--kubeconfig", env.Kubeconfig]);

    private static async Task SetUpAsync(TideEnvironment env, ChartRepository charts)
    {
        await env.Kubectl.ApplyAsync(Manifests.FluxSystem);
        await env.Kubectl.ApplyAsync("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: apps\n");
        await env.Kubectl.ApplyAsync(Repository(charts.Url));
    }

    [Fact]
    public async Task Install_Upgrade_Drift_Uninstall_AsHelmSeesThem()
    {
        await using var env = await TideEnvironment.StartAsync();
        await using var charts = await ChartRepository.StartAsync([Podinfo]);
        await SetUpAsync(env, charts);

        await env.Kubectl.ApplyAsync(Release("web", "{replicaCount: 2}", "  driftDetection: {mode: enabled}"));
        var ready = await WaitForReadyAsync(env, "web", "InstallSucceeded");
        Assert.Contains("Helm install succeeded for release apps/web.v1 with chart podinfo@6.14.1", ready);

        // helm reads the release Tide stored.
        var list = JsonNode.Parse(await HelmAsync(env, "list", "-n", "apps", "-o", "json"))!.AsArray();
        var entry = Assert.Single(list)!;
        Assert.Equal("web", (string?)entry["name"]);
        Assert.Equal("1", (string?)entry["revision"]);
        Assert.Equal("deployed", (string?)entry["status"]);
        Assert.Equal("podinfo-6.14.1", (string?)entry["chart"]);
        Assert.Equal("""{"replicaCount":2}""", (await HelmAsync(env, "get", "values", "web", "-n", "apps", "-o", "json")).Trim());
        Assert.Equal("2", await env.Kubectl.JsonPathAsync("deployment/web-podinfo", "apps", "{.spec.replicas}"));

        // The manifest equals what helm install stores for the same chart and values.
        var tideManifest = await HelmAsync(env, "get", "manifest", "web", "-n", "apps");
        Assert.Equal(await HelmInstallManifestAsync(charts, "web", "apps", "replicaCount=2"), tideManifest);

        // New values: revision 2, revision 1 superseded.
        await env.Kubectl.ApplyAsync(Release("web", "{replicaCount: 3}", "  driftDetection: {mode: enabled}"));
        ready = await WaitForReadyAsync(env, "web", "UpgradeSucceeded");
        Assert.Contains("apps/web.v2", ready);
        var history = JsonNode.Parse(await HelmAsync(env, "history", "web", "-n", "apps", "-o", "json"))!.AsArray();
        Assert.Equal(["1:superseded", "2:deployed"], history.Select(h => $"{h!["revision"]}:{h["status"]}"));
        Assert.Equal("3", await env.Kubectl.JsonPathAsync("deployment/web-podinfo", "apps", "{.spec.replicas}"));
        Assert.Equal("2:deployed", await env.Kubectl.JsonPathAsync("helmrelease/web", "apps", "{.status.history[0].version}:{.status.history[0].status}"));

        // A hand edit is reverted by drift detection at the next reconcile.
        await env.Kubectl.RunAsync("scale", "deployment/web-podinfo", "-n", "apps", "--replicas=7");
        await env.Kubectl.RunAsync("annotate", "helmrelease/web", "-n", "apps", "--overwrite", "reconcile.fluxcd.io/requestedAt=drift");
        await Eventually.WaitAsync(() => env.Kubectl.JsonPathAsync("deployment/web-podinfo", "apps", "{.spec.replicas}"),
            r => r == "3", Timeout, "drift to be reverted");

        // Deleting the HelmRelease uninstalls the release.
        await env.Kubectl.RunAsync("delete", "helmrelease/web", "-n", "apps", "--wait=false");
        await Eventually.WaitAsync(() => env.Kubectl.RunAsync("get", "secrets", "-n", "apps", "-l", "owner=helm,name=web", "-o", "name"),
            s => s.Trim().Length == 0, Timeout, "the release storage to be deleted");
        Assert.Equal("", (await HelmAsync(env, "list", "-n", "apps", "-q")).Trim());
        Assert.Null(await env.Kubectl.JsonPathAsync("deployment/web-podinfo", "apps", "{.metadata.name}"));
    }

    /// <summary>`helm install` of the repository's chart into a fresh API server, and its stored manifest.</summary>
    private static async Task<string> HelmInstallManifestAsync(ChartRepository charts, string release, string ns, string set)
    {
        await using var server = await ApiServerHost.StartAsync(new ApiServerOptions { WorkloadDelay = TimeSpan.Zero });
        using var dir = new TempDirectory();
        var kubeconfig = server.WriteKubeconfig(dir.Combine("kubeconfig"));
        var chart = Directory.GetFiles(charts.Directory, "podinfo-*.tgz").Single();
        await Tide.Testing.Helm.RunCheckedAsync(["install", release, chart, "-n", ns, "--create-namespace", "--set", set, "--kubeconfig", kubeconfig]);
        return await Tide.Testing.Helm.RunCheckedAsync(["get", "manifest", release, "-n", ns, "--kubeconfig", kubeconfig]);
    }
}
