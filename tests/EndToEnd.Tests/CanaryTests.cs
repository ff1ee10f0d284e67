using System.Net;
using System.Text.Json.Nodes;
using Tide.Testing;

namespace Tide.EndToEnd.Tests;

/// <summary>
/// Canaries (flagger.app/v1beta1) on a running node, in the flow of Flagger's own end-to-end tests: a real Prometheus
/// scrapes an exporter whose success rate and latency the test sets; analysis intervals of one second.
/// </summary>
public sealed class CanaryTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);
    private const string Ns = CanaryManifests.Namespace;
    private const string FastCanaries = "tide.canary.min-analysis-interval = 1s";

    [Fact]
    public async Task GatewayApi_NewImage_StepsWeightsThenPromotes_AndErrorsRollBack()
    {
        await using var analysis = AnalysisServer.Start(Ns, "podinfo-7f8d9c6b5-x2k4m");
        await using var prometheus = await PrometheusServer.StartAsync([analysis.Target]);
        await using var env = await TideEnvironment.StartAsync(extraConfig: FastCanaries);
        await WaitForTrafficAsync(prometheus);
        await env.Kubectl.ApplyAsync(GatewayApiCrds.HttpRoute);
        await env.Kubectl.ApplyAsync(CanaryManifests.Deployment());
        await env.Kubectl.ApplyAsync(CanaryManifests.Canary($"""
                interval: 1s
                threshold: 2
                maxWeight: 30
                stepWeight: 10
                metrics:
                  - name: request-success-rate
                    interval: 30s
                    thresholdRange:
                      min: 99
                  - name: request-duration
                    interval: 30s
                    thresholdRange:
                      max: 500
            """, metricsServer: prometheus.Url));

        await WaitForPhaseAsync(env, "Initialized");
        Assert.Equal("0", await env.Kubectl.JsonPathAsync("deployment/podinfo", Ns, "{.spec.replicas}"));
        Assert.Equal("2", await env.Kubectl.JsonPathAsync("deployment/podinfo-primary", Ns, "{.spec.replicas}"));
        Assert.Equal("podinfo-config-primary",
            await env.Kubectl.JsonPathAsync("deployment/podinfo-primary", Ns, "{.spec.template.spec.containers[0].envFrom[0].configMapRef.name}"));
        Assert.Equal("blue", await env.Kubectl.JsonPathAsync("configmap/podinfo-config-primary", Ns, "{.data.color}"));
        foreach (var (service, selector) in new[] { ("podinfo", "podinfo-primary"), ("podinfo-primary", "podinfo-primary"), ("podinfo-canary", "podinfo") })
            Assert.Equal(selector, await env.Kubectl.JsonPathAsync("service/" + service, Ns, "{.spec.selector.app}"));
        Assert.Equal("100 0", await WeightsAsync(env));

        // A new image: the weight steps 10, 20, 30 (each step visible in the HTTPRoute), then promotion.
        var kube = env.Nodes[0].Kube;
        var seen = new List<string>();
        using var stop = new CancellationTokenSource();
        var start = await kube.ListAsync("gateway.networking.k8s.io/v1", "HTTPRoute", Ns, null, CancellationToken.None);
        var watching = Task.Run(async () =>
        {
            try
            {
                await foreach (var e in kube.WatchAsync("gateway.networking.k8s.io/v1", "HTTPRoute", Ns, start.ResourceVersion, null, stop.Token))
                    if (e.Object is { } route && Weights(route) is var weights && (seen.Count == 0 || seen[^1] != weights))
                        lock (seen)
                            seen.Add(weights);
            }
            catch (OperationCanceledException)
            {
                // stopped
            }
        });
        await env.Kubectl.RunAsync("set", "image", "deployment/podinfo", "podinfod=ghcr.io/stefanprodan/podinfo:6.0.1", "-n", Ns);
        await WaitForPhaseAsync(env, "Succeeded");
        await stop.CancelAsync();
        await watching;
        lock (seen)
            Assert.Equal(["90 10", "80 20", "70 30", "100 0"], seen);
        Assert.Equal("ghcr.io/stefanprodan/podinfo:6.0.1",
            await env.Kubectl.JsonPathAsync("deployment/podinfo-primary", Ns, "{.spec.template.spec.containers[0].image}"));
        Assert.Equal("0", await env.Kubectl.JsonPathAsync("deployment/podinfo", Ns, "{.spec.replicas}"));
        var events = await env.Kubectl.RunAsync("get", "events", "-n", Ns, "-o",
            "jsonpath={range .items[*]}{.reason} {.source.component}: {.message}{\"\\n\"}{end}");
        Assert.Contains("Synced flagger: New revision detected! Scaling up podinfo.test", events);
        Assert.Contains("Synced flagger: Advance podinfo.test canary weight 30", events);
        Assert.Contains("Synced flagger: Copying podinfo.test template spec to podinfo-primary.test", events);
        Assert.Contains("Synced flagger: Promotion completed! Scaling down podinfo.test", events);

        // Errors on the next image: failed checks reach the threshold, the canary is rolled back.
        analysis.Serve(successRate: 0.5);
        await env.Kubectl.RunAsync("set", "image", "deployment/podinfo", "podinfod=ghcr.io/stefanprodan/podinfo:6.0.2", "-n", Ns);
        await Eventually.WaitAsync(() => env.Kubectl.JsonPathAsync("canary/podinfo", Ns, "{.status.phase} {.status.failedChecks}"),
            s => s is "Progressing 2" or "Failed 0", Timeout, "failed checks to reach the threshold");
        await WaitForPhaseAsync(env, "Failed");
        Assert.Equal("100 0", await WeightsAsync(env));
        Assert.Equal("0", await env.Kubectl.JsonPathAsync("deployment/podinfo", Ns, "{.spec.replicas}"));
        Assert.Equal("ghcr.io/stefanprodan/podinfo:6.0.1",
            await env.Kubectl.JsonPathAsync("deployment/podinfo-primary", Ns, "{.spec.template.spec.containers[0].image}"));
        events = await EventsAsync(env);
        // The rate over the metric's 30s interval mixes the last good scrapes with the bad ones.
        Assert.Matches(@"Halt podinfo\.test advancement success rate \d+\.\d\d% < 99%", events);
        Assert.Contains("Rolling back podinfo.test failed checks threshold reached 2", events);
        Assert.Contains("Canary failed! Scaling down podinfo.test", events);
        Assert.Equal("False", await env.Kubectl.JsonPathAsync("canary/podinfo", Ns, "{.status.conditions[?(@.type==\"Promoted\")].status}"));
    }

    [Fact]
    public async Task BlueGreen_ConfirmPromotionHoldsUntilYes_AndAFailingPreRolloutStopsTheNext()
    {
        await using var analysis = AnalysisServer.Start(Ns, "podinfo-7f8d9c6b5-x2k4m");
        await using var prometheus = await PrometheusServer.StartAsync([analysis.Target]);
        await using var env = await TideEnvironment.StartAsync(extraConfig: FastCanaries);
        await WaitForTrafficAsync(prometheus);
        analysis.Answer("gate", HttpStatusCode.Forbidden);
        await env.Kubectl.ApplyAsync(CanaryManifests.Deployment());
        await env.Kubectl.ApplyAsync($"""
            apiVersion: flagger.app/v1beta1
            kind: AlertProvider
            metadata:
              name: chat
              namespace: {Ns}
            spec:
              type: slack
              channel: deploys
              address: {analysis.HookUrl("slack")}
            """);
        await env.Kubectl.ApplyAsync(SuccessRateTemplate("success-rate", prometheus.Url,
            "sum(rate(http_request_duration_seconds_count{kubernetes_namespace=\"{{ namespace }}\",kubernetes_pod_name=~\"{{ target }}-.*\",status!~\"5.*\"}[{{ interval }}])) / sum(rate(http_request_duration_seconds_count{kubernetes_namespace=\"{{ namespace }}\",kubernetes_pod_name=~\"{{ target }}-.*\"}[{{ interval }}])) * 100"));
        await env.Kubectl.ApplyAsync(CanaryManifests.Canary($"""
                interval: 1s
                threshold: 2
                iterations: 3
                metrics:
                  - name: success-rate
                    interval: 30s
                    templateRef:
                      name: success-rate
                    thresholdRange:
                      min: 99
                webhooks:
                  - name: smoke
                    type: pre-rollout
                    url: {analysis.HookUrl("smoke")}
                  - name: gate
                    type: confirm-promotion
                    url: {analysis.HookUrl("gate")}
                  - name: audit
                    type: event
                    url: {analysis.HookUrl("audit")}
                alerts:
                  - name: chat
                    severity: info
                    providerRef:
                      name: chat
            """, provider: "kubernetes"));
        await WaitForPhaseAsync(env, "Initialized");

        await env.Kubectl.RunAsync("set", "image", "deployment/podinfo", "podinfod=ghcr.io/stefanprodan/podinfo:6.0.1", "-n", Ns);
        await WaitForPhaseAsync(env, "WaitingPromotion");
        await Eventually.WaitAsync(() => Task.FromResult(analysis.Calls("gate").Count), n => n >= 3, Timeout, "three promotion gate calls");
        Assert.Equal("WaitingPromotion", await env.Kubectl.JsonPathAsync("canary/podinfo", Ns, "{.status.phase}"));
        Assert.Equal("ghcr.io/stefanprodan/podinfo:6.0.0",
            await env.Kubectl.JsonPathAsync("deployment/podinfo-primary", Ns, "{.spec.template.spec.containers[0].image}"));
        var payload = analysis.Calls("gate")[^1];
        Assert.Equal(("podinfo", "test", "Progressing"), ((string?)payload["name"], (string?)payload["namespace"], (string?)payload["phase"]));
        Assert.False(string.IsNullOrEmpty((string?)payload["checksum"]));

        analysis.Answer("gate", HttpStatusCode.OK);
        await WaitForPhaseAsync(env, "Succeeded");
        Assert.Equal("ghcr.io/stefanprodan/podinfo:6.0.1",
            await env.Kubectl.JsonPathAsync("deployment/podinfo-primary", Ns, "{.spec.template.spec.containers[0].image}"));
        var events = await EventsAsync(env);
        Assert.Contains("Pre-rollout check smoke passed", events);
        Assert.Contains("Advance podinfo.test canary iteration 3/3", events);
        Assert.Contains("Halt podinfo.test advancement waiting for promotion approval gate", events);
        Assert.Contains("Confirm-promotion check gate passed", events);
        // Flagger's event webhook and its Slack alerts.
        Assert.Contains(analysis.Calls("audit"), p => (string?)p["metadata"]?["eventMessage"] == "Advance podinfo.test canary iteration 1/3");
        var alerts = analysis.Calls("slack");
        Assert.All(alerts, a => Assert.Equal(("deploys", "flagger", "podinfo.test"),
            ((string?)a["channel"], (string?)a["username"], (string?)a["attachments"]![0]!["author_name"])));
        Assert.Contains(alerts, a => (string?)a["attachments"]![0]!["text"] == "New revision detected, progressing canary analysis.");
        Assert.Contains(alerts, a => (string?)a["attachments"]![0]!["text"] == "Canary analysis completed successfully, promotion finished.");

        // A pre-rollout hook that says no: the analysis never starts and the canary fails at the threshold.
        analysis.Answer("smoke", HttpStatusCode.InternalServerError);
        await env.Kubectl.RunAsync("set", "image", "deployment/podinfo", "podinfod=ghcr.io/stefanprodan/podinfo:6.0.2", "-n", Ns);
        await WaitForPhaseAsync(env, "Failed");
        Assert.Equal("ghcr.io/stefanprodan/podinfo:6.0.1",
            await env.Kubectl.JsonPathAsync("deployment/podinfo-primary", Ns, "{.spec.template.spec.containers[0].image}"));
        Assert.Equal("0", await env.Kubectl.JsonPathAsync("deployment/podinfo", Ns, "{.spec.replicas}"));
        Assert.Contains("Halt podinfo.test advancement pre-rollout check smoke failed smoke says no", await EventsAsync(env));
    }

    [Fact]
    public async Task BadInputs_EachGetsAClearStatusMessage_AndTheNodeKeepsGoing()
    {
        await using var prometheus = await PrometheusServer.StartAsync([]);
        await using var env = await TideEnvironment.StartAsync(extraConfig: FastCanaries);
        await env.Kubectl.ApplyAsync(CanaryManifests.Deployment("podinfo"));
        await env.Kubectl.ApplyAsync(CanaryManifests.Deployment("frontend"));
        await env.Kubectl.ApplyAsync(SuccessRateTemplate("bad-query", prometheus.Url, "sum(rate(http_requests_total[{{ interval }}]"));
        var analysis = """
                interval: 1s
                threshold: 100
                iterations: 5
                metrics:
            """;
        await env.Kubectl.ApplyAsync(CanaryManifests.Canary(analysis + """

                  - name: request-success-rate
                    thresholdRange:
                      min: 99
            """, provider: "kubernetes", name: "unreachable", target: "podinfo", metricsServer: $"http://127.0.0.1:{FreePort.Next()}"));
        await env.Kubectl.ApplyAsync(CanaryManifests.Canary(analysis + """

                  - name: bad-query
                    templateRef:
                      name: bad-query
                    thresholdRange:
                      min: 99
            """, provider: "kubernetes", name: "frontend", target: "frontend"));
        await env.Kubectl.ApplyAsync(CanaryManifests.Canary("    interval: 1s", name: "missing", target: "nothing"));
        await env.Kubectl.ApplyAsync(CanaryManifests.Canary("    interval: 1s", provider: "istio", name: "istio", target: "podinfo"));
        await env.Kubectl.ApplyAsync(CanaryManifests.Canary("    interval: 1s", name: "stateful", target: "podinfo", kind: "StatefulSet"));

        await WaitForConditionAsync(env, "missing", "Ready", "False TargetNotFound deployment nothing.test get query error: deployments.apps \"nothing\" not found");
        await WaitForConditionAsync(env, "istio", "Stalled",
            "True UnsupportedProvider provider 'istio' is not supported by Tide; supported providers: kubernetes, gatewayapi");
        await WaitForConditionAsync(env, "stateful", "Stalled",
            "True UnsupportedTarget targetRef kind 'StatefulSet' is not supported by Tide; supported kinds: Deployment, DaemonSet");

        // `tide get canaries`: flux's table, READY and MESSAGE from the Ready condition.
        var table = TideCli.Rows(await new TideCli(env.Kubeconfig).RunOkAsync("get", "canaries", "-n", Ns));
        Assert.Equal(["NAME", "REVISION", "SUSPENDED", "READY", "MESSAGE"], table[0]);
        Assert.Contains(table, r => r[0] == "istio" && r[^2] == "False" && r[^1].StartsWith("provider 'istio' is not supported", StringComparison.Ordinal));

        await WaitForPhaseAsync(env, "Initialized", "unreachable");
        await WaitForPhaseAsync(env, "Initialized", "frontend");
        Assert.Contains("Error checking metric providers: prometheus not avaiable: running query failed: request failed", await EventsAsync(env));
        await env.Kubectl.RunAsync("set", "image", "deployment/podinfo", "podinfod=ghcr.io/stefanprodan/podinfo:6.0.1", "-n", Ns);
        await env.Kubectl.RunAsync("set", "image", "deployment/frontend", "podinfod=ghcr.io/stefanprodan/podinfo:6.0.1", "-n", Ns);
        await Eventually.WaitAsync(() => ConditionAsync(env, "unreachable", "Ready"),
            c => c?.StartsWith("Unknown Progressing Prometheus query failed: request failed", StringComparison.Ordinal) == true,
            Timeout, "the unreachable Prometheus in the Ready message");
        await Eventually.WaitAsync(() => ConditionAsync(env, "frontend", "Ready"),
            c => c?.StartsWith("Unknown Progressing Metric query failed for bad-query: error response: Status 400: ", StringComparison.Ordinal) == true,
            Timeout, "Prometheus' refusal of the query in the Ready message");
        Assert.True(int.Parse(await env.Kubectl.JsonPathAsync("canary/frontend", Ns, "{.status.failedChecks}") ?? "0") >= 1);
    }

    [Fact]
    public async Task Kustomization_AppliesDeploymentAndCanary_WithoutFighting_AndANewImageInGitStartsAnAnalysis()
    {
        await using var env = await TideEnvironment.StartAsync(extraConfig: FastCanaries);
        await env.Kubectl.ApplyAsync(Manifests.FluxSystem);
        var repo = await env.CreateRepositoryAsync("app");
        var canary = CanaryManifests.Canary("""
                interval: 1s
                iterations: 2
            """, provider: "kubernetes");
        repo.Write("app/deployment.yaml", CanaryManifests.Deployment(tag: "6.0.0", replicas: null));
        repo.Write("app/canary.yaml", canary);
        await repo.CommitAndPushAsync("podinfo 6.0.0");
        await env.Kubectl.ApplyAsync(Manifests.GitRepository("app", env.Git.RepositoryUrl("app"), interval: "1s"));
        await env.Kubectl.ApplyAsync(Manifests.Kustomization("app", "app", "./app", interval: "2s"));
        await WaitForPhaseAsync(env, "Initialized");
        Assert.Equal("0", await env.Kubectl.JsonPathAsync("deployment/podinfo", Ns, "{.spec.replicas}"));

        // The Kustomization applies again: the target stays at zero and no analysis starts.
        await env.Kubectl.RunAsync("annotate", "kustomization/app", "-n", "flux-system", "reconcile.fluxcd.io/requestedAt=again", "--overwrite");
        await Eventually.WaitAsync(() => env.Kubectl.JsonPathAsync("kustomization/app", "flux-system", "{.status.lastHandledReconcileAt}"),
            r => r == "again", Timeout, "the Kustomization to apply again");
        Assert.Equal("0", await env.Kubectl.JsonPathAsync("deployment/podinfo", Ns, "{.spec.replicas}"));
        Assert.Equal("Initialized", await env.Kubectl.JsonPathAsync("canary/podinfo", Ns, "{.status.phase}"));

        // A new image in Git: the Kustomization applies it, the Canary analyses and promotes it.
        repo.Write("app/deployment.yaml", CanaryManifests.Deployment(tag: "6.0.1", replicas: null));
        await repo.CommitAndPushAsync("podinfo 6.0.1");
        await WaitForPhaseAsync(env, "Succeeded");
        Assert.Equal("ghcr.io/stefanprodan/podinfo:6.0.1",
            await env.Kubectl.JsonPathAsync("deployment/podinfo-primary", Ns, "{.spec.template.spec.containers[0].image}"));
        Assert.Equal("0", await env.Kubectl.JsonPathAsync("deployment/podinfo", Ns, "{.spec.replicas}"));
        Assert.Equal("True", await env.Kubectl.JsonPathAsync("kustomization/app", "flux-system", "{.status.conditions[?(@.type==\"Ready\")].status}"));
        // What the Canary generated is not the Kustomization's: it prunes none of it.
        Assert.DoesNotContain("podinfo-primary", await env.Kubectl.JsonPathAsync("kustomization/app", "flux-system", "{.status.inventory.entries[*].id}"));
    }

    /// <summary>Waits until Prometheus has scraped the exporter often enough for a rate over the metrics' interval.</summary>
    private static Task WaitForTrafficAsync(PrometheusServer prometheus) =>
        Eventually.WaitAsync(() => prometheus.QueryAsync("sum(rate(http_request_duration_seconds_count[30s]))"),
            r => r.Count == 1 && r[0].Value != "NaN", Timeout, "Prometheus to see the exporter's requests");

    private static string SuccessRateTemplate(string name, string address, string query) => $"""
        apiVersion: flagger.app/v1beta1
        kind: MetricTemplate
        metadata:
          name: {name}
          namespace: {Ns}
        spec:
          provider:
            type: prometheus
            address: {address}
          query: '{query}'
        """;

    private static Task<string> EventsAsync(TideEnvironment env) =>
        env.Kubectl.RunAsync("get", "events", "-n", Ns, "-o", "jsonpath={range .items[*]}{.message}{\"\\n\"}{end}");

    private static Task<string?> ConditionAsync(TideEnvironment env, string name, string type) =>
        env.Kubectl.JsonPathAsync("canary/" + name, Ns,
            $"{{.status.conditions[?(@.type==\"{type}\")].status}} {{.status.conditions[?(@.type==\"{type}\")].reason}} {{.status.conditions[?(@.type==\"{type}\")].message}}");

    private static Task<string?> WaitForConditionAsync(TideEnvironment env, string name, string type, string expected) =>
        Eventually.WaitAsync(() => ConditionAsync(env, name, type), c => c == expected, Timeout, $"{name}'s {type} condition");

    /// <summary>Waits for the phase; a timeout tells the Canary's events, which say why it did not get there.</summary>
    private static async Task WaitForPhaseAsync(TideEnvironment env, string phase, string name = "podinfo")
    {
        try
        {
            await Eventually.WaitAsync(() => env.Kubectl.JsonPathAsync("canary/" + name, Ns, "{.status.phase}"), p => p == phase,
                Timeout, $"canary {name} to reach {phase}");
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{e.Message}; events:\n{await EventsAsync(env)}", e);
        }
    }

    private static async Task<string> WeightsAsync(TideEnvironment env) =>
        await env.Kubectl.JsonPathAsync("httproute/podinfo", Ns, "{.spec.rules[0].backendRefs[*].weight}") ?? "";

    private static string Weights(JsonObject route) => string.Join(" ",
        (route["spec"]?["rules"]?[0]?["backendRefs"] as JsonArray ?? []).Select(b => (string?)b?["weight"]?.ToString()));
}
