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

    private static async Task<string> WaitForReadyAsync(TideEnvironment env, string name, string reason) =>
        (await WaitAsync(env, () => ReadyAsync(env, name), s => s?.StartsWith($"True|{reason}", StringComparison.Ordinal) == true,
            $"HelmRelease {name} Ready with {reason}"))!;

    private static async Task<T> WaitAsync<T>(TideEnvironment env, Func<Task<T>> observe, Func<T, bool> done, string what)
    {
        try
        {
            return await Eventually.WaitAsync(observe, done, Timeout, what);
        }
        catch (TimeoutException e)
        {
            // What the node reported, to tell which step never came.
            lock (env.Progress)
                throw new TimeoutException(e.Message + "\n" + string.Join("\n", env.Progress.TakeLast(40)), e);
        }
    }

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

        // With an ignore rule, a hand-set replica count stays while the rest of the drift is corrected.
        await env.Kubectl.ApplyAsync(Release("web", "{replicaCount: 3}",
            "  driftDetection:\n    mode: enabled\n    ignore:\n    - paths: [/spec/replicas]\n      target: {kind: Deploy.*}"));
        await env.Kubectl.RunAsync("scale", "deployment/web-podinfo", "-n", "apps", "--replicas=5");
        var image = await env.Kubectl.JsonPathAsync("deployment/web-podinfo", "apps", "{.spec.template.spec.containers[0].image}");
        await env.Kubectl.RunAsync("set", "image", "deployment/web-podinfo", "-n", "apps", "podinfo=example.invalid/edited:1");
        await env.Kubectl.RunAsync("annotate", "helmrelease/web", "-n", "apps", "--overwrite", "reconcile.fluxcd.io/requestedAt=ignore");
        await Eventually.WaitAsync(() => env.Kubectl.JsonPathAsync("deployment/web-podinfo", "apps", "{.spec.template.spec.containers[0].image}"),
            i => i == image, Timeout, "the edited image to be reverted");
        Assert.Equal("5", await env.Kubectl.JsonPathAsync("deployment/web-podinfo", "apps", "{.spec.replicas}"));

        // forceAt makes a new release of the same chart and values.
        await env.Kubectl.RunAsync("annotate", "helmrelease/web", "-n", "apps", "--overwrite",
            "reconcile.fluxcd.io/forceAt=now", "reconcile.fluxcd.io/requestedAt=now");
        await WaitAsync(env, () => env.Kubectl.JsonPathAsync("helmrelease/web", "apps", "{.status.history[0].version}:{.status.history[0].status}:{.status.lastHandledForceAt}"),
            s => s == "3:deployed:now", "a forced upgrade");

        // Deleting the HelmRelease uninstalls the release.
        await env.Kubectl.RunAsync("delete", "helmrelease/web", "-n", "apps", "--wait=false");
        await Eventually.WaitAsync(() => env.Kubectl.RunAsync("get", "secrets", "-n", "apps", "-l", "owner=helm,name=web", "-o", "name"),
            s => s.Trim().Length == 0, Timeout, "the release storage to be deleted");
        Assert.Equal("", (await HelmAsync(env, "list", "-n", "apps", "-q")).Trim());
        Assert.Null(await env.Kubectl.JsonPathAsync("deployment/web-podinfo", "apps", "{.metadata.name}"));
    }

    [Fact]
    public async Task StalledUpgrade_IsRolledBackByRemediation_AndReported()
    {
        await using var env = await TideEnvironment.StartAsync();
        await using var charts = await ChartRepository.StartAsync([Podinfo]);
        await SetUpAsync(env, charts);
        const string remediation = "  upgrade:\n    remediation: {retries: 1, strategy: rollback}\n    timeout: 30s";
        await env.Kubectl.ApplyAsync(Release("site", "{replicaCount: 1}", remediation));
        await WaitForReadyAsync(env, "site", "InstallSucceeded");

        // A post-renderer marks the Deployment so that the API server's workload simulation stalls it.
        await env.Kubectl.ApplyAsync(Release("site", "{replicaCount: 1}", remediation + """

              postRenderers:
              - kustomize:
                  patches:
                  - patch: |
                      apiVersion: apps/v1
                      kind: Deployment
                      metadata:
                        name: site-podinfo
                        namespace: apps
                        annotations:
                          tide.dev/simulate: fail
                      spec:
                        template:
                          metadata:
                            annotations: {rollout: "2"}
            """));
        var remediated = await WaitAsync(env,
            () => env.Kubectl.JsonPathAsync("helmrelease/site", "apps", "{.status.conditions[?(@.type==\"Remediated\")].status}|{.status.conditions[?(@.type==\"Remediated\")].reason}|{.status.conditions[?(@.type==\"Remediated\")].message}"),
            s => s?.StartsWith("True|RollbackSucceeded", StringComparison.Ordinal) == true, "the failed upgrade to be rolled back");
        Assert.Contains("Helm rollback to previous release apps/site.v1 with chart podinfo@6.14.1 succeeded", remediated);
        Assert.StartsWith("False|UpgradeFailed|Helm upgrade failed for release apps/site with chart podinfo@6.14.1",
            await env.Kubectl.JsonPathAsync("helmrelease/site", "apps", "{.status.conditions[?(@.type==\"Released\")].status}|{.status.conditions[?(@.type==\"Released\")].reason}|{.status.conditions[?(@.type==\"Released\")].message}"));

        var history = JsonNode.Parse(await HelmAsync(env, "history", "site", "-n", "apps", "-o", "json"))!.AsArray();
        Assert.Equal("failed", (string?)history[1]!["status"]);
        Assert.Equal("Rollback to 1", (string?)history[2]!["description"]);
        Assert.Null(await env.Kubectl.JsonPathAsync("deployment/site-podinfo", "apps", "{.metadata.annotations.tide\\.dev/simulate}") is { Length: > 0 } a ? a : null);
        var events = await env.Kubectl.RunAsync("get", "events", "-n", "apps", "-o", "jsonpath={.items[*].reason}");
        Assert.Contains("UpgradeFailed", events);
        Assert.Contains("RollbackSucceeded", events);
    }

    [Fact]
    public async Task Hooks_Tests_Adoption_AndUninstallHooks()
    {
        await using var env = await TideEnvironment.StartAsync();
        using var work = new TempDirectory();
        await using var charts = await ChartRepository.StartAsync([HookedChart.Write(work.Path)]);
        await SetUpAsync(env, charts);
        var hooked = $$"""
            apiVersion: helm.toolkit.fluxcd.io/v2
            kind: HelmRelease
            metadata: {name: hooked, namespace: apps}
            spec:
              interval: 1m
              chart:
                spec:
                  chart: hooked
                  sourceRef: {kind: HelmRepository, name: charts, namespace: flux-system}
              test: {enable: true}
              values: {message: from-tide}
            """;
        await env.Kubectl.ApplyAsync(hooked);
        await WaitForReadyAsync(env, "hooked", "InstallSucceeded");
        Assert.StartsWith("True|TestSucceeded|Helm test succeeded for release apps/hooked.v1 with chart hooked@1.0.0: 1 test hooks completed successfully",
            await env.Kubectl.JsonPathAsync("helmrelease/hooked", "apps", "{.status.conditions[?(@.type==\"TestSuccess\")].status}|{.status.conditions[?(@.type==\"TestSuccess\")].reason}|{.status.conditions[?(@.type==\"TestSuccess\")].message}"));
        Assert.Equal("Succeeded", await env.Kubectl.JsonPathAsync("helmrelease/hooked", "apps", "{.status.history[0].testHooks.hooked-test.phase}"));
        // The hooks ran (the Jobs exist, completed) and helm lists them with the release; helm runs the tests too.
        Assert.Equal("True", await env.Kubectl.JsonPathAsync("job/hooked-pre-install", "apps", "{.status.conditions[?(@.type==\"Complete\")].status}"));
        Assert.Equal("True", await env.Kubectl.JsonPathAsync("job/hooked-post-install", "apps", "{.status.conditions[?(@.type==\"Complete\")].status}"));
        var hooks = await HelmAsync(env, "get", "hooks", "hooked", "-n", "apps");
        Assert.Contains("name: hooked-pre-delete", hooks);
        var status = await HelmAsync(env, "status", "hooked", "-n", "apps");
        Assert.Contains("hooked-test", status);
        Assert.Contains("Succeeded", status);

        // A release that helm installed is adopted: Tide upgrades it and keeps its history.
        var chart = Directory.GetFiles(charts.Directory, "hooked-*.tgz").Single();
        // (--no-hooks: helm waits for hook Jobs with a watch list, which the embedded API server does not serve yet.)
        await HelmAsync(env, "install", "made-by-helm", chart, "-n", "apps", "--set", "message=from-helm", "--no-hooks");
        await env.Kubectl.ApplyAsync(hooked.Replace("name: hooked, namespace", "name: adopter, namespace").Replace("test: {enable: true}", "releaseName: made-by-helm"));
        await WaitForReadyAsync(env, "adopter", "UpgradeSucceeded");
        var history = JsonNode.Parse(await HelmAsync(env, "history", "made-by-helm", "-n", "apps", "-o", "json"))!.AsArray();
        Assert.Equal(["1:superseded", "2:deployed"], history.Select(h => $"{h!["revision"]}:{h["status"]}"));
        Assert.Equal("from-tide", await env.Kubectl.JsonPathAsync("configmap/made-by-helm-config", "apps", "{.data.message}"));

        // Deleting the HelmRelease runs the pre-delete hook and removes the release.
        await env.Kubectl.RunAsync("delete", "helmrelease/hooked", "-n", "apps", "--wait=false");
        await Eventually.WaitAsync(() => env.Kubectl.JsonPathAsync("configmap/hooked-config", "apps", "{.metadata.name}"),
            s => s is null, Timeout, "the release objects to be deleted");
        Assert.Equal("True", await env.Kubectl.JsonPathAsync("job/hooked-pre-delete", "apps", "{.status.conditions[?(@.type==\"Complete\")].status}"));
        Assert.Equal("made-by-helm", (await HelmAsync(env, "list", "-n", "apps", "-q")).Trim());
    }

    [Fact]
    public async Task BadInput_EndsReadyFalseWithFluxReasonNamingTheCause()
    {
        await using var env = await TideEnvironment.StartAsync();
        using var work = new TempDirectory();
        await using var charts = await ChartRepository.StartAsync([HookedChart.Write(work.Path)]);
        await SetUpAsync(env, charts);
        string Hooked(string name, string spec) => $$"""
            apiVersion: helm.toolkit.fluxcd.io/v2
            kind: HelmRelease
            metadata: {name: {{name}}, namespace: apps}
            spec:
              interval: 1m
              chart:
                spec:
                  chart: hooked
                  sourceRef: {kind: HelmRepository, name: charts, namespace: flux-system}
            {{spec}}
            """;
        await env.Kubectl.ApplyAsync(Hooked("no-version", "  values: {}").Replace("chart: hooked\n", "chart: hooked\n      version: 9.9.9\n"));
        await env.Kubectl.ApplyAsync(Hooked("bad-schema", "  values: {replicas: many}"));
        await env.Kubectl.ApplyAsync(Hooked("bad-template", "  values: {break: true}"));
        await env.Kubectl.ApplyAsync(Hooked("no-values", "  valuesFrom:\n  - {kind: ConfigMap, name: missing-values}"));
        await env.Kubectl.ApplyAsync($$"""
            apiVersion: source.toolkit.fluxcd.io/v1
            kind: HelmRepository
            metadata: {name: unreachable, namespace: flux-system}
            spec:
              url: http://127.0.0.1:{{FreePort.Next()}}/charts
              interval: 1m
            """);

        async Task FailedAsync(string name, string reason, string cause) => await WaitAsync(env, () => ReadyAsync(env, name),
            s => s?.StartsWith($"False|{reason}|", StringComparison.Ordinal) == true && s.Contains(cause, StringComparison.Ordinal),
            $"{name} to fail with {reason} naming '{cause}'");
        await FailedAsync("no-version", "SourceNotReady", "no 'hooked' chart with version matching '9.9.9' found");
        await FailedAsync("bad-schema", "InstallFailed", "replicas");
        await FailedAsync("bad-template", "InstallFailed", "break is set: refusing to render");
        await FailedAsync("no-values", "ValuesError", "'apps/missing-values'");
        var unreachable = await Eventually.WaitAsync(() => env.Kubectl.JsonPathAsync("helmrepository/unreachable", "flux-system",
            "{.status.conditions[?(@.type==\"Ready\")].status}|{.status.conditions[?(@.type==\"Ready\")].message}"),
            s => s?.StartsWith("False|", StringComparison.Ordinal) == true, Timeout, "the unreachable repository to fail");
        Assert.Contains("failed to fetch Helm repository index", unreachable);

        // As with helm install, a chart that does not render leaves nothing behind: no release, no objects.
        Assert.Equal("", (await env.Kubectl.RunAsync("get", "secrets", "-n", "apps", "-l", "owner=helm,name=bad-template", "-o", "name")).Trim());
        Assert.Null(await env.Kubectl.JsonPathAsync("configmap/bad-template-config", "apps", "{.metadata.name}"));
    }

    [Fact]
    public async Task Kustomization_AppliesHelmRepositoryAndHelmReleaseFromGit_AndReachesReady()
    {
        await using var env = await TideEnvironment.StartAsync();
        await using var charts = await ChartRepository.StartAsync([Podinfo]);
        var repo = await env.CreateRepositoryAsync("infra");
        repo.Write("apps/namespace.yaml", "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: apps\n");
        repo.Write("apps/repository.yaml", Repository(charts.Url));
        repo.Write("apps/release.yaml", Release("podinfo", "{replicaCount: 1}"));
        await repo.CommitAndPushAsync("helm layout");
        await env.Kubectl.ApplyAsync(Manifests.FluxSystem);
        await env.Kubectl.ApplyAsync(Manifests.GitRepository("infra", env.Git.RepositoryUrl("infra")));
        await env.Kubectl.ApplyAsync(Manifests.Kustomization("apps", "infra", "./apps") + "\n  wait: true\n  timeout: 60s\n");

        var ready = await Eventually.WaitAsync(() => env.Kubectl.JsonPathAsync("kustomization/apps", "flux-system",
            "{.status.conditions[?(@.type==\"Ready\")].status}"), s => s == "True", Timeout, "the Kustomization to be Ready");
        Assert.Equal("True", ready);
        Assert.StartsWith("True|InstallSucceeded", await ReadyAsync(env, "podinfo"));
        Assert.Equal("deployed", JsonNode.Parse(await HelmAsync(env, "list", "-n", "apps", "-o", "json"))![0]!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task DependsOn_WaitsForAHelmRelease_AndAKustomizationWaitsForOneWithKind()
    {
        await using var env = await TideEnvironment.StartAsync();
        await using var charts = await ChartRepository.StartAsync([Podinfo]);
        await SetUpAsync(env, charts);
        await env.Kubectl.ApplyAsync(Release("backend", "{replicaCount: 1}", "  dependsOn:\n  - name: database"));
        await WaitAsync(env, () => ReadyAsync(env, "backend"), s => s == "False|DependencyNotReady|dependency 'apps/database' not found",
            "backend to wait for its dependency");
        var repo = await env.CreateRepositoryAsync("frontend");
        repo.Write("app/config.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: frontend\n  namespace: apps\ndata:\n  a: b\n");
        await repo.CommitAndPushAsync("frontend");
        await env.Kubectl.ApplyAsync(Manifests.GitRepository("frontend", env.Git.RepositoryUrl("frontend")));
        await env.Kubectl.ApplyAsync(Manifests.Kustomization("frontend", "frontend", "./app") +
            "\n  dependsOn:\n  - {name: backend, namespace: apps, kind: HelmRelease}\n");
        await WaitAsync(env, () => env.Kubectl.JsonPathAsync("kustomization/frontend", "flux-system", "{.status.conditions[?(@.type==\"Ready\")].reason}"),
            s => s == "DependencyNotReady", "the Kustomization to wait for the HelmRelease");

        // The dependency arrives: it tells its dependents (push), which then install and apply.
        await env.Kubectl.ApplyAsync(Release("database", "{replicaCount: 1}"));
        await WaitForReadyAsync(env, "database", "InstallSucceeded");
        await WaitForReadyAsync(env, "backend", "InstallSucceeded");
        await WaitAsync(env, () => env.Kubectl.JsonPathAsync("kustomization/frontend", "flux-system", "{.status.conditions[?(@.type==\"Ready\")].status}"),
            s => s == "True", "the Kustomization to apply after the HelmRelease");
        Assert.Equal("b", await env.Kubectl.JsonPathAsync("configmap/frontend", "apps", "{.data.a}"));
    }

    [Fact]
    public async Task ChartRef_ToAnOCIRepositoryOfAHelmPushedChart_TracksItsDigest_AndToAHelmChart()
    {
        await using var env = await TideEnvironment.StartAsync();
        await using var registry = await OciRegistryServer.StartAsync();
        await using var charts = await ChartRepository.StartAsync([Podinfo]);
        await SetUpAsync(env, charts);
        var package = Directory.GetFiles(charts.Directory, "podinfo-*.tgz").Single();
        await Tide.Testing.Helm.RunCheckedAsync(["push", package, $"oci://{registry.Host}/charts", "--plain-http"]);
        // A chartRef to an OCIRepository of the pushed chart: its layer copied (Flux's documented set-up), or extracted.
        string OciRelease(string name, string reference, string layerSelector, string values) => $$"""
            apiVersion: source.toolkit.fluxcd.io/v1
            kind: OCIRepository
            metadata: {name: {{name}}, namespace: flux-system}
            spec:
              url: oci://{{registry.Host}}/charts/podinfo
              insecure: true
              interval: 1m
              ref: {{reference}}
            {{layerSelector}}
            ---
            apiVersion: helm.toolkit.fluxcd.io/v2
            kind: HelmRelease
            metadata: {name: {{name}}, namespace: apps}
            spec:
              interval: 1m
              chartRef: {kind: OCIRepository, name: {{name}}, namespace: flux-system}
              values: {{values}}
            """;
        await env.Kubectl.ApplyAsync(OciRelease("oci", "{semver: \">=6.0.0\"}",
            "  layerSelector: {mediaType: application/vnd.cncf.helm.chart.content.v1.tar+gzip, operation: copy}", "{replicaCount: 2}"));

        // The chart version carries the first 12 hex of the OCI digest, as helm-controller's digest tracking does.
        var revision = (await WaitAsync(env, () => env.Kubectl.JsonPathAsync("ocirepository/oci", "flux-system", "{.status.artifact.revision}"),
            r => r?.StartsWith("6.14.1@sha256:", StringComparison.Ordinal) == true, "the OCIRepository's artifact"))!;
        var digest = revision["6.14.1@".Length..];
        var version = "6.14.1+" + digest["sha256:".Length..][..12];
        var ready = await WaitForReadyAsync(env, "oci", "InstallSucceeded");
        Assert.Contains($"Helm install succeeded for release apps/oci.v1 with chart podinfo@{version}", ready);
        Assert.Equal($"{version}|{digest}|", await env.Kubectl.JsonPathAsync("helmrelease/oci", "apps",
            "{.status.lastAttemptedRevision}|{.status.lastAttemptedRevisionDigest}|{.status.helmChart}"));
        var listed = Assert.Single(JsonNode.Parse(await HelmAsync(env, "list", "-n", "apps", "-o", "json"))!.AsArray())!;
        Assert.Equal($"podinfo-{version}", (string?)listed["chart"]);
        Assert.Equal("2", await env.Kubectl.JsonPathAsync("deployment/oci-podinfo", "apps", "{.spec.replicas}"));

        // The same tag pushed again with other content is a new digest, hence a new release.
        using var work = new TempDirectory();
        var changed = Path.Combine(work.Path, "podinfo");
        await ProcessRunner.RunCheckedAsync("cp", ["-r", Podinfo, changed]);
        await File.AppendAllTextAsync(Path.Combine(changed, "values.yaml"), "\nextraNote: pushed-again\n");
        await Tide.Testing.Helm.RunCheckedAsync(["package", changed, "--destination", work.Path]);
        await Tide.Testing.Helm.RunCheckedAsync(["push", Path.Combine(work.Path, "podinfo-6.14.1.tgz"), $"oci://{registry.Host}/charts", "--plain-http"]);
        await env.Kubectl.RunAsync("annotate", "ocirepository/oci", "-n", "flux-system", "--overwrite", "reconcile.fluxcd.io/requestedAt=repush");
        ready = await WaitForReadyAsync(env, "oci", "UpgradeSucceeded");
        Assert.Contains("apps/oci.v2", ready);
        Assert.DoesNotContain(version, ready);

        // Without a layer selector the OCIRepository extracts the chart layer; the chart loads from that tree too.
        await env.Kubectl.ApplyAsync(OciRelease("extracted", "{tag: 6.14.1}", "", "{}"));
        Assert.Contains("Helm install succeeded for release apps/extracted.v1 with chart podinfo@6.14.1+",
            await WaitForReadyAsync(env, "extracted", "InstallSucceeded"));

        // chartRef to a HelmChart: its chart version as it is (no digest), no HelmChart owned by the release.
        await env.Kubectl.ApplyAsync($$"""
            apiVersion: source.toolkit.fluxcd.io/v1
            kind: HelmChart
            metadata: {name: shared, namespace: flux-system}
            spec:
              chart: podinfo
              sourceRef: {kind: HelmRepository, name: charts}
              interval: 1m
            ---
            apiVersion: helm.toolkit.fluxcd.io/v2
            kind: HelmRelease
            metadata: {name: shared, namespace: apps}
            spec:
              interval: 1m
              chartRef: {kind: HelmChart, name: shared, namespace: flux-system}
            """);
        Assert.Contains("with chart podinfo@6.14.1", await WaitForReadyAsync(env, "shared", "InstallSucceeded"));
        Assert.Equal("6.14.1||", await env.Kubectl.JsonPathAsync("helmrelease/shared", "apps",
            "{.status.lastAttemptedRevision}|{.status.lastAttemptedRevisionDigest}|{.status.helmChart}"));

        // A chartRef to a source that does not exist is named in the Ready condition.
        await env.Kubectl.ApplyAsync(Release("missing", "{}").Replace(
            "  chart:\n    spec:\n      chart: podinfo\n      version: \">=6.0.0\"\n      sourceRef: {kind: HelmRepository, name: charts, namespace: flux-system}\n",
            "  chartRef: {kind: OCIRepository, name: absent}\n"));
        await WaitAsync(env, () => ReadyAsync(env, "missing"),
            s => s == "False|ArtifactFailed|could not get Source object: OCIRepository 'apps/absent' not found", "the missing chart source to be named");
    }

    [Fact]
    public async Task CrdPolicies_InstallCreates_UpgradeSkipsByDefault_CreateReplaceUpdates_SkipLeavesThemOut()
    {
        await using var env = await TideEnvironment.StartAsync();
        using var work = new TempDirectory();
        await using var charts = await ChartRepository.StartAsync([WidgetsChart.Write(work.Combine("v1"), "1.0.0")]);
        await SetUpAsync(env, charts);
        string Widgets(string name, string version, string extra) => $$"""
            apiVersion: helm.toolkit.fluxcd.io/v2
            kind: HelmRelease
            metadata: {name: {{name}}, namespace: apps}
            spec:
              interval: 1m
              chart:
                spec:
                  chart: widgets
                  version: "{{version}}"
                  sourceRef: {kind: HelmRepository, name: charts, namespace: flux-system}
            {{extra}}
            """;
        const string crd = "customresourcedefinition/widgets.example.com";

        // install.crds Skip: the chart's CRD is not created, so its Widget cannot be.
        await env.Kubectl.ApplyAsync(Widgets("skipped", "1.0.0", "  install: {crds: Skip}"));
        await WaitAsync(env, () => ReadyAsync(env, "skipped"),
            s => s?.StartsWith("False|InstallFailed|", StringComparison.Ordinal) == true && s.Contains("Widget", StringComparison.Ordinal),
            "the install without its CRD to fail");
        Assert.Null(await env.Kubectl.JsonPathAsync(crd, "", "{.metadata.name}"));
        await env.Kubectl.RunAsync("delete", "helmrelease/skipped", "-n", "apps", "--wait=false");

        // Install (default Create): the CRD is created before the release's objects, outside the release.
        await env.Kubectl.ApplyAsync(Widgets("widgets", "1.0.0", "  values: {size: 1}"));
        await WaitForReadyAsync(env, "widgets", "InstallSucceeded");
        Assert.Equal("1.0.0|widgets", await env.Kubectl.JsonPathAsync(crd, "",
            "{.metadata.labels.chart-version}|{.metadata.labels.helm\\.toolkit\\.fluxcd\\.io/name}"));
        Assert.Equal("1", await env.Kubectl.JsonPathAsync("widget/widgets", "apps", "{.spec.size}"));
        Assert.DoesNotContain("CustomResourceDefinition", await HelmAsync(env, "get", "manifest", "widgets", "-n", "apps"));

        // Upgrade to 2.0.0 (default Skip): the CRD stays as it was.
        await charts.PublishAsync(WidgetsChart.Write(work.Combine("v2"), "2.0.0"));
        await env.Kubectl.RunAsync("annotate", "helmrepository/charts", "-n", "flux-system", "--overwrite", "reconcile.fluxcd.io/requestedAt=v2");
        await env.Kubectl.ApplyAsync(Widgets("widgets", "2.0.0", "  values: {size: 2}"));
        await WaitAsync(env, () => ReadyAsync(env, "widgets"),
            s => s?.StartsWith("True|UpgradeSucceeded", StringComparison.Ordinal) == true && s.Contains("widgets@2.0.0", StringComparison.Ordinal),
            "the upgrade to 2.0.0");
        Assert.Equal("1.0.0", await env.Kubectl.JsonPathAsync(crd, "", "{.metadata.labels.chart-version}"));

        // upgrade.crds CreateReplace: the next upgrade replaces it.
        await env.Kubectl.ApplyAsync(Widgets("widgets", "2.0.0", "  values: {size: 3}\n  upgrade: {crds: CreateReplace}"));
        await WaitAsync(env, () => env.Kubectl.JsonPathAsync("widget/widgets", "apps", "{.spec.size}"), s => s == "3", "the third release");
        await WaitForReadyAsync(env, "widgets", "UpgradeSucceeded");
        Assert.Equal("2.0.0", await env.Kubectl.JsonPathAsync(crd, "", "{.metadata.labels.chart-version}"));
    }

    [Fact]
    public async Task ChartFromAnOciHelmRepository_WithVerify_IsInstalledOnlyWhenSignedWithTheKey()
    {
        await using var env = await TideEnvironment.StartAsync();
        await using var registry = await OciRegistryServer.StartAsync();
        await using var charts = await ChartRepository.StartAsync([Podinfo]);
        using var key = await OpensslSigningKey.EcdsaAsync();
        using var http = new HttpClient();
        using var work = new TempDirectory();
        var package = Directory.GetFiles(charts.Directory, "podinfo-*.tgz").Single();
        foreach (var repository in new[] { "signed", "unsigned" })
            await Tide.Testing.Helm.RunCheckedAsync(["push", package, $"oci://{registry.Host}/{repository}", "--plain-http"]);
        await CosignSignature.PushAsync(http, registry.Host, "signed/podinfo",
            await CosignSignature.DigestAsync(http, registry.Host, "signed/podinfo", "6.14.1"), key);
        await SetUpAsync(env, charts);
        await env.Kubectl.RunAsync("create", "secret", "generic", "cosign-keys", "-n", "flux-system",
            "--from-file=cosign.pub=" + work.Write("cosign.pub", key.PublicKeyPem));
        foreach (var repository in new[] { "signed", "unsigned" })
            await env.Kubectl.ApplyAsync($$"""
                apiVersion: source.toolkit.fluxcd.io/v1
                kind: HelmRepository
                metadata: {name: {{repository}}, namespace: flux-system}
                spec: {type: oci, url: "oci://{{registry.Host}}/{{repository}}", insecure: true, interval: 1m}
                ---
                apiVersion: helm.toolkit.fluxcd.io/v2
                kind: HelmRelease
                metadata: {name: {{repository}}, namespace: apps}
                spec:
                  interval: 1m
                  chart:
                    spec:
                      chart: podinfo
                      version: 6.x
                      sourceRef: {kind: HelmRepository, name: {{repository}}, namespace: flux-system}
                      verify:
                        provider: cosign
                        secretRef: {name: cosign-keys}
                """);

        await WaitForReadyAsync(env, "signed", "InstallSucceeded");
        Assert.Equal("True|verified signature of version 6.14.1", await env.Kubectl.JsonPathAsync("helmchart/apps-signed", "flux-system",
            "{.status.conditions[?(@.type==\"SourceVerified\")].status}|{.status.conditions[?(@.type==\"SourceVerified\")].message}"));
        await WaitAsync(env, () => ReadyAsync(env, "unsigned"),
            s => s == $"False|SourceNotReady|HelmChart 'flux-system/apps-unsigned' is not ready: chart verification error: no matching signatures were found for '{registry.Host}/unsigned/podinfo:6.14.1'",
            "the unsigned chart to be refused");
        Assert.Equal("", (await env.Kubectl.RunAsync("get", "secrets", "-n", "apps", "-l", "owner=helm,name=unsigned", "-o", "name")).Trim());
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
