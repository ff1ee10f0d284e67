using System.Text.Json.Nodes;
using Tide.Testing;

namespace Tide.EndToEnd.Tests;

/// <summary>
/// The layout of fluxcd/flux2-kustomize-helm-example, built from small manifests of our own: a bootstrap
/// GitRepository and Kustomization "flux-system" at ./clusters/staging; an ArtifactGenerator splitting the monorepo
/// into the ExternalArtifacts "infrastructure" and "apps"; infra-controllers (an OCIRepository chart from the registry,
/// installed by a HelmRelease chartRef), infra-configs (custom resources of the controller's CRD, dependsOn),
/// and apps (a HelmRepository chart with staging values patched in). The manifests name public addresses; the node's
/// tide.sources.mirrors send the requests to the local registry and chart repository.
/// </summary>
public sealed class FluxExampleLayoutTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);
    private static string Podinfo => Path.Combine(TestPaths.Corpus, "helm", "podinfo", "chart");

    /// <summary>What `flux bootstrap` writes: the GitRepository and Kustomization that follow the cluster's path.</summary>
    internal static string GotkSync(string url) => $"""
        apiVersion: source.toolkit.fluxcd.io/v1
        kind: GitRepository
        metadata:
          name: flux-system
          namespace: flux-system
        spec:
          interval: 1m0s
          ref:
            branch: main
          url: {url}
        ---
        apiVersion: kustomize.toolkit.fluxcd.io/v1
        kind: Kustomization
        metadata:
          name: flux-system
          namespace: flux-system
        spec:
          interval: 10m0s
          path: ./clusters/staging
          prune: true
          sourceRef:
            kind: GitRepository
            name: flux-system
        """;

    private const string Artifacts = """
        apiVersion: source.extensions.fluxcd.io/v1beta1
        kind: ArtifactGenerator
        metadata:
          name: flux-system
          namespace: flux-system
        spec:
          sources:
            - alias: monorepo
              kind: GitRepository
              name: flux-system
          artifacts:
            - name: infrastructure
              originRevision: "@monorepo"
              copy:
                - from: "@monorepo/infrastructure/**"
                  to: "@artifact/"
            - name: apps
              originRevision: "@monorepo"
              copy:
                - from: "@monorepo/apps/base/**"
                  to: "@artifact/base/"
                - from: "@monorepo/apps/staging/**"
                  to: "@artifact/staging/"
        """;

    private const string Infrastructure = """
        apiVersion: kustomize.toolkit.fluxcd.io/v1
        kind: Kustomization
        metadata:
          name: infra-controllers
          namespace: flux-system
        spec:
          interval: 1h
          retryInterval: 2s
          timeout: 1m
          sourceRef:
            kind: ExternalArtifact
            name: infrastructure
          path: ./controllers
          prune: true
          wait: true
        ---
        apiVersion: kustomize.toolkit.fluxcd.io/v1
        kind: Kustomization
        metadata:
          name: infra-configs
          namespace: flux-system
        spec:
          dependsOn:
            - name: infra-controllers
          interval: 1h
          retryInterval: 2s
          timeout: 1m
          sourceRef:
            kind: ExternalArtifact
            name: infrastructure
          path: ./configs
          prune: true
          patches:
            - patch: |
                - op: replace
                  path: /spec/listener
                  value: staging
              target:
                kind: Gateway
                name: edge
        """;

    private const string Apps = """
        apiVersion: kustomize.toolkit.fluxcd.io/v1
        kind: Kustomization
        metadata:
          name: apps
          namespace: flux-system
        spec:
          dependsOn:
            - name: infra-configs
          interval: 1h
          retryInterval: 2s
          timeout: 1m
          sourceRef:
            kind: ExternalArtifact
            name: apps
          path: ./staging
          prune: true
          wait: true
        """;

    private const string EdgeController = """
        apiVersion: v1
        kind: Namespace
        metadata:
          name: edge-system
          labels:
            toolkit.fluxcd.io/tenant: sre-team
        ---
        apiVersion: source.toolkit.fluxcd.io/v1
        kind: OCIRepository
        metadata:
          name: edge-controller
          namespace: edge-system
        spec:
          interval: 24h
          url: oci://quay.io/example/charts/edge-controller
          layerSelector:
            mediaType: "application/vnd.cncf.helm.chart.content.v1.tar+gzip"
            operation: copy
          ref:
            semver: "1.x"
        ---
        apiVersion: helm.toolkit.fluxcd.io/v2
        kind: HelmRelease
        metadata:
          name: edge-controller
          namespace: edge-system
        spec:
          interval: 12h
          install:
            strategy:
              name: RetryOnFailure
          upgrade:
            strategy:
              name: RetryOnFailure
          chartRef:
            kind: OCIRepository
            name: edge-controller
          values:
            replicas: 2
        """;

    private const string EdgeConfigs = """
        apiVersion: edge.example.dev/v1
        kind: Gateway
        metadata:
          name: edge
          namespace: edge-system
        spec:
          listener: production
        """;

    private const string PodinfoBase = """
        apiVersion: v1
        kind: Namespace
        metadata:
          name: podinfo
          labels:
            toolkit.fluxcd.io/tenant: dev-team
        ---
        apiVersion: source.toolkit.fluxcd.io/v1
        kind: HelmRepository
        metadata:
          name: podinfo
          namespace: podinfo
        spec:
          interval: 5m
          url: https://stefanprodan.github.io/podinfo
        ---
        apiVersion: helm.toolkit.fluxcd.io/v2
        kind: HelmRelease
        metadata:
          name: podinfo
          namespace: podinfo
        spec:
          interval: 50m
          releaseName: podinfo
          chart:
            spec:
              chart: podinfo
              sourceRef:
                kind: HelmRepository
                name: podinfo
          install:
            strategy:
              name: RetryOnFailure
          values:
            replicaCount: 1
        """;

    private static string StagingValues(int replicas) => $"""
        apiVersion: helm.toolkit.fluxcd.io/v2
        kind: HelmRelease
        metadata:
          name: podinfo
          namespace: podinfo
        spec:
          chart:
            spec:
              version: ">=1.0.0-alpha"
          test:
            enable: false
          values:
            replicaCount: {replicas}
        """;

    /// <summary>A chart of our own, as an infrastructure controller ships: its CRD and its Deployment.</summary>
    private static void WriteEdgeChart(TempDirectory dir)
    {
        dir.Write("edge-controller/Chart.yaml", "apiVersion: v2\nname: edge-controller\nversion: 1.2.0\n");
        dir.Write("edge-controller/values.yaml", "replicas: 1\n");
        dir.Write("edge-controller/templates/crd.yaml", """
            apiVersion: apiextensions.k8s.io/v1
            kind: CustomResourceDefinition
            metadata:
              name: gateways.edge.example.dev
            spec:
              group: edge.example.dev
              names: {kind: Gateway, listKind: GatewayList, plural: gateways, singular: gateway}
              scope: Namespaced
              versions:
              - name: v1
                served: true
                storage: true
                schema:
                  openAPIV3Schema:
                    type: object
                    x-kubernetes-preserve-unknown-fields: true
            """);
        dir.Write("edge-controller/templates/deployment.yaml", """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: {{ .Release.Name }}
              namespace: {{ .Release.Namespace }}
            spec:
              replicas: {{ .Values.replicas }}
              selector:
                matchLabels: {app: edge-controller}
              template:
                metadata:
                  labels: {app: edge-controller}
                spec:
                  containers:
                  - name: controller
                    image: example.dev/edge-controller:1.2.0
            """);
    }

    [Fact]
    public async Task KustomizeHelmExample_ReconcilesReady_AndAnAppsChangeLeavesInfrastructureAlone()
    {
        await using var env = await TideEnvironment.StartAsync(nodes: 0);
        await using var registry = await OciRegistryServer.StartAsync();
        await using var charts = await ChartRepository.StartAsync([Podinfo]);
        await env.AddNodeAsync($$"""
            tide.sources.mirrors = [
              { from = "https://quay.io/", to = "http://{{registry.Host}}/" }
              { from = "https://stefanprodan.github.io/podinfo", to = "{{charts.Url.TrimEnd('/')}}" }
            ]
            """);
        using var chartDir = new TempDirectory();
        WriteEdgeChart(chartDir);
        await Helm.RunCheckedAsync(["package", chartDir.Combine("edge-controller"), "-d", chartDir.Path]);
        await Helm.RunCheckedAsync(["push", chartDir.Combine("edge-controller-1.2.0.tgz"), $"oci://{registry.Host}/example/charts", "--plain-http"]);

        var repo = await env.CreateRepositoryAsync("fleet");
        var url = env.Git.RepositoryUrl("fleet");
        repo.Write("clusters/staging/flux-system/gotk-sync.yaml", GotkSync(url));
        repo.Write("clusters/staging/flux-system/kustomization.yaml", "resources:\n- gotk-sync.yaml\n");
        repo.Write("clusters/staging/artifacts.yaml", Artifacts);
        repo.Write("clusters/staging/infrastructure.yaml", Infrastructure);
        repo.Write("clusters/staging/apps.yaml", Apps);
        repo.Write("infrastructure/controllers/kustomization.yaml", "resources:\n- edge-controller.yaml\n");
        repo.Write("infrastructure/controllers/edge-controller.yaml", EdgeController);
        repo.Write("infrastructure/configs/kustomization.yaml", "resources:\n- gateway.yaml\n");
        repo.Write("infrastructure/configs/gateway.yaml", EdgeConfigs);
        repo.Write("apps/base/podinfo/kustomization.yaml", "namespace: podinfo\nresources:\n- release.yaml\n");
        repo.Write("apps/base/podinfo/release.yaml", PodinfoBase);
        repo.Write("apps/staging/kustomization.yaml",
            "resources:\n- ../base/podinfo\npatches:\n- path: podinfo-values.yaml\n  target:\n    kind: HelmRelease\n");
        repo.Write("apps/staging/podinfo-values.yaml", StagingValues(2));
        var first = await repo.CommitAndPushAsync("fleet");

        // As bootstrap leaves it: flux-system applied once, from then on it manages itself.
        await env.Kubectl.ApplyAsync(Manifests.FluxSystem);
        await env.Kubectl.ApplyAsync(GotkSync(url));

        foreach (var ks in new[] { "flux-system", "infra-controllers", "infra-configs", "apps" })
            await WaitReadyAsync(env, "kustomization/" + ks, "flux-system");
        await WaitReadyAsync(env, "helmrelease/edge-controller", "edge-system");
        await WaitReadyAsync(env, "helmrelease/podinfo", "podinfo");
        Assert.Equal("True", await env.Kubectl.JsonPathAsync("deployment/podinfo", "podinfo",
            "{.status.conditions[?(@.type==\"Available\")].status}"));
        Assert.Equal("2", await env.Kubectl.JsonPathAsync("deployment/podinfo", "podinfo", "{.spec.replicas}"));
        Assert.Equal("True", await env.Kubectl.JsonPathAsync("deployment/edge-controller", "edge-system",
            "{.status.conditions[?(@.type==\"Available\")].status}"));
        // infra-configs' own patch reached the custom resource of the controller's CRD.
        Assert.Equal("staging", await env.Kubectl.JsonPathAsync("gateway.edge.example.dev/edge", "edge-system", "{.spec.listener}"));

        // The generator's status and what it wrote, as source-watcher writes them.
        var generator = await GetJsonAsync(env, "artifactgenerator/flux-system", "flux-system");
        Assert.Equal("reconciliation succeeded, generated 2 artifact(s)", Condition(generator, "Ready")?["message"]?.GetValue<string>());
        Assert.Equal(["apps", "infrastructure"], generator["status"]!["inventory"]!.AsArray().Select(r => (string)r!["name"]!).Order());
        var infrastructure = await GetJsonAsync(env, "externalartifact/infrastructure", "flux-system");
        var infraArtifact = infrastructure["status"]!["artifact"]!;
        Assert.Equal("latest@" + (string)infraArtifact["digest"]!, (string)infraArtifact["revision"]!);
        Assert.Equal($"main@sha1:{first}", (string)infraArtifact["metadata"]!["org.opencontainers.image.revision"]!);
        Assert.Equal("source-watcher", (string)infrastructure["metadata"]!["labels"]!["app.kubernetes.io/managed-by"]!);
        Assert.Equal((string)generator["metadata"]!["uid"]!,
            (string)infrastructure["metadata"]!["labels"]!["source.extensions.fluxcd.io/generator"]!);
        Assert.Equal("ArtifactGenerator/flux-system",
            $"{infrastructure["spec"]!["sourceRef"]!["kind"]}/{infrastructure["spec"]!["sourceRef"]!["name"]}");
        Assert.Equal((string)infraArtifact["revision"]!,
            await env.Kubectl.JsonPathAsync("kustomization/infra-controllers", "flux-system", "{.status.lastAppliedRevision}"));

        // A change under apps/: a new apps artifact, applied; infrastructure keeps its revision and is not reconciled.
        var infraBefore = await ReconcileCountsAsync(env, "infra-controllers", "infra-configs");
        var appsBefore = await env.Kubectl.JsonPathAsync("kustomization/apps", "flux-system", "{.status.lastAppliedRevision}");
        repo.Write("apps/staging/podinfo-values.yaml", StagingValues(3));
        var second = await repo.CommitAndPushAsync("fleet");
        await env.Kubectl.RunAsync("annotate", "gitrepository/flux-system", "-n", "flux-system", "--overwrite",
            "reconcile.fluxcd.io/requestedAt=apps-change");
        await WaitAsync(env, () => env.Kubectl.JsonPathAsync("externalartifact/apps", "flux-system",
            "{.status.artifact.metadata.org\\.opencontainers\\.image\\.revision}"), r => r == $"main@sha1:{second}", "a new apps artifact");
        await WaitAsync(env, () => env.Kubectl.JsonPathAsync("deployment/podinfo", "podinfo", "{.spec.replicas}"), r => r == "3",
            "the apps change to be applied");
        await WaitReadyAsync(env, "kustomization/apps", "flux-system");
        Assert.NotEqual(appsBefore, await env.Kubectl.JsonPathAsync("kustomization/apps", "flux-system", "{.status.lastAppliedRevision}"));
        Assert.Equal((string)infraArtifact["revision"]!,
            await env.Kubectl.JsonPathAsync("externalartifact/infrastructure", "flux-system", "{.status.artifact.revision}"));
        Assert.Equal(infraBefore, await ReconcileCountsAsync(env, "infra-controllers", "infra-configs"));
    }

    /// <summary>How many times each Kustomization reconciled its current build (status.history[0]).</summary>
    private static async Task<string> ReconcileCountsAsync(TideEnvironment env, params string[] names)
    {
        var counts = new List<string>();
        foreach (var name in names)
            counts.Add(name + "=" + await env.Kubectl.JsonPathAsync("kustomization/" + name, "flux-system",
                "{.status.history[0].totalReconciliations}@{.status.lastHandledReconcileAt}@{.status.lastAttemptedRevision}"));
        return string.Join(",", counts);
    }

    private static JsonObject? Condition(JsonObject obj, string type) =>
        (obj["status"]?["conditions"] as JsonArray ?? []).OfType<JsonObject>().FirstOrDefault(c => (string?)c["type"] == type);

    private static async Task<JsonObject> GetJsonAsync(TideEnvironment env, string resource, string ns) =>
        JsonNode.Parse(await env.Kubectl.RunAsync("get", resource, "-n", ns, "-o", "json"))!.AsObject();

    internal static Task WaitReadyAsync(TideEnvironment env, string resource, string ns) =>
        WaitAsync(env, () => env.Kubectl.JsonPathAsync(resource, ns,
                "{.status.conditions[?(@.type==\"Ready\")].status}|{.status.conditions[?(@.type==\"Ready\")].message}"),
            s => s?.StartsWith("True|", StringComparison.Ordinal) == true, resource + " Ready");

    private static async Task<T> WaitAsync<T>(TideEnvironment env, Func<Task<T>> observe, Func<T, bool> done, string what)
    {
        try
        {
            return await Eventually.WaitAsync(observe, done, Timeout, what);
        }
        catch (TimeoutException e)
        {
            lock (env.Progress)
                throw new TimeoutException(e.Message + "\n" + string.Join("\n", env.Progress.TakeLast(40)), e);
        }
    }
}
