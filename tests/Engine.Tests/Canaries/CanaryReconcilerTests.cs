using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using Tide.ApiServer;
using Tide.Engine.Api;
using Tide.Engine.Api.Crds;
using Tide.Engine.Apply;
using Tide.Engine.Canaries;
using Tide.Engine.Kube;
using Tide.Engine.Manifests;

namespace Tide.Engine.Tests.Canaries;

/// <summary>
/// The Canary reconciler step by step against the embedded API server (no actors, no timers: each call is one
/// analysis interval): Flagger's weights with stepWeights and stepWeightPromotion, config tracking, skipAnalysis,
/// and a spec that does not read.
/// </summary>
public sealed class CanaryReconcilerTests : IAsyncLifetime
{
    private const string Ns = "apps";
    private readonly TempDirectory _temp = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 8, 0, 0, 0, TimeSpan.Zero));
    private ApiServerHost _server = null!;
    private KubeClient _kube = null!;
    private CanaryReconciler _reconciler = null!;
    private readonly List<string> _events = [];

    public async Task InitializeAsync()
    {
        _server = await ApiServerHost.StartAsync(new ApiServerOptions { WorkloadDelay = TimeSpan.Zero });
        _kube = KubeClient.FromKubeconfig(_server.WriteKubeconfig(_temp.Combine("kubeconfig")));
        _reconciler = new CanaryReconciler(_kube, new HttpClient(), new CanaryReconcilerOptions(), _time);
        await new Applier(_kube).ApplyStagedAsync([.. Crds.Manifests(), Read(GatewayApiCrds.HttpRoute), Read($"apiVersion: v1\nkind: Namespace\nmetadata:\n  name: {Ns}\n")],
            new ApplierOptions(), CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        _kube.Dispose();
        await _server.DisposeAsync();
        _temp.Dispose();
    }

    [Fact]
    public async Task StepWeights_ThenStepWeightPromotion_EachStepInTheHttpRoute()
    {
        await ApplyAsync(Deployment("web", "1.0.0"), Canary("web", """
                stepWeights: [5, 25, 50]
                stepWeightPromotion: 20
            """));
        await StepUntilAsync("web", "Initialized");
        Assert.Equal("100 0", await WeightsAsync("web"));

        await ApplyAsync(Deployment("web", "1.0.1"));
        var weights = new List<string>();
        await StepUntilAsync("web", "Succeeded", async () =>
        {
            var now = await WeightsAsync("web");
            if (weights.Count == 0 || weights[^1] != now)
                weights.Add(now);
        });
        Assert.Equal(["100 0", "95 5", "75 25", "50 50", "70 30", "90 10", "100 0"], weights);
        Assert.Contains("Advance web.apps primary weight 90", _events);
        Assert.Equal("1.0.1", Image(await GetAsync("Deployment", "web-primary")));
        var status = await StatusAsync("web");
        Assert.Equal((0, 0, 0), (status.CanaryWeight, status.FailedChecks, status.Iterations));
        Assert.Equal(status.LastAppliedSpec, status.LastPromotedSpec);
    }

    [Fact]
    public async Task AbTesting_SendsOnlyMatchedRequestsToTheCanary_ThenPromotes()
    {
        await ApplyAsync(Deployment("shop", "1.0.0"), Canary("shop", """
                iterations: 2
                match:
                  - headers:
                      x-canary:
                        exact: insider
            """));
        await StepUntilAsync("shop", "Initialized");
        await ApplyAsync(Deployment("shop", "1.1.0"));
        await StepUntilAsync("shop", "Progressing");
        for (var i = 0; i < 10 && (await StatusAsync("shop")).Iterations == 0; i++)
            await StepAsync("shop");

        var rules = (await GetAsync("HTTPRoute", "shop"))!["spec"]!["rules"]!.AsArray();
        Assert.Equal(2, rules.Count);
        Assert.Equal("""[{"path":{"type":"PathPrefix","value":"/"},"headers":[{"name":"x-canary","type":"Exact","value":"insider"}]}]""",
            rules[0]!["matches"]!.ToJsonString());
        Assert.Equal("0 100", await WeightsAsync("shop"));
        Assert.Equal("shop-primary 100", $"{rules[1]!["backendRefs"]![0]!["name"]} {rules[1]!["backendRefs"]![0]!["weight"]}");
        Assert.Single(rules[1]!["backendRefs"]!.AsArray());

        await StepUntilAsync("shop", "Succeeded");
        Assert.Equal("100 0", await WeightsAsync("shop"));
        Assert.Equal("1.1.0", Image(await GetAsync("Deployment", "shop-primary")));
    }

    [Fact]
    public async Task ChangedConfigMap_IsANewRevision_AndPromotionCopiesItToPrimary()
    {
        await ApplyAsync(Config("api", "one"), Deployment("api", "1.0.0", envFrom: "api-config"), Canary("api", "    stepWeight: 50"));
        await StepUntilAsync("api", "Initialized");
        Assert.Equal("one", (string?)(await GetAsync("ConfigMap", "api-config-primary"))!["data"]!["value"]);
        Assert.Equal("api-config-primary", (string?)(await GetAsync("Deployment", "api-primary"))!["spec"]!["template"]!["spec"]!["containers"]![0]!["envFrom"]![0]!["configMapRef"]!["name"]);
        var tracked = (await StatusAsync("api")).TrackedConfigs!;
        Assert.Equal(["configmap/api-config"], tracked.Keys);

        await ApplyAsync(Config("api", "two"));
        await StepUntilAsync("api", "Progressing");
        Assert.Contains("New revision detected! Scaling up api.apps", _events);
        await StepUntilAsync("api", "Succeeded");
        Assert.Equal("two", (string?)(await GetAsync("ConfigMap", "api-config-primary"))!["data"]!["value"]);
        Assert.NotEqual(tracked["configmap/api-config"], (await StatusAsync("api")).TrackedConfigs!["configmap/api-config"]);
    }

    [Fact]
    public async Task AutoscalerRef_GetsAPrimaryHpa_AndTheCanaryStartsAtItsMinimum()
    {
        await ApplyAsync(Deployment("queue", "1.0.0"), $"""
            apiVersion: autoscaling/v2
            kind: HorizontalPodAutoscaler
            metadata:
              name: queue
              namespace: {Ns}
            spec:
              scaleTargetRef:
                apiVersion: apps/v1
                kind: Deployment
                name: queue
              minReplicas: 3
              maxReplicas: 6
            """, Canary("queue", "    stepWeight: 50", extraSpec: """
              autoscalerRef:
                apiVersion: autoscaling/v2
                kind: HorizontalPodAutoscaler
                name: queue
                primaryScalerReplicas:
                  maxReplicas: 10
            """));
        await StepUntilAsync("queue", "Initialized");
        var primaryHpa = (await _kube.GetAsync(new ObjectRef("autoscaling/v2", "HorizontalPodAutoscaler", Ns, "queue-primary"), CancellationToken.None))!;
        Assert.Equal(("queue-primary", 3, 10), ((string?)primaryHpa["spec"]!["scaleTargetRef"]!["name"],
            (int)primaryHpa["spec"]!["minReplicas"]!, (int)primaryHpa["spec"]!["maxReplicas"]!));

        await ApplyAsync(Deployment("queue", "1.0.1", replicas: null));
        await StepUntilAsync("queue", "Progressing");
        Assert.Equal(3, (int)(await GetAsync("Deployment", "queue"))!["spec"]!["replicas"]!);
    }

    [Fact]
    public async Task RevertOnDeletion_HoldsTheCanaryUntilTheTargetRunsAgain()
    {
        await ApplyAsync(Deployment("legacy", "1.0.0", replicas: 2), Canary("legacy", "    stepWeight: 50",
            extraSpec: "  revertOnDeletion: true"));
        await StepUntilAsync("legacy", "Initialized");
        var canary = (await GetAsync("Canary", "legacy"))!;
        Assert.Contains("finalizer.flagger.app", canary["metadata"]!["finalizers"]!.AsArray().Select(f => (string?)f));
        Assert.Equal(0, (int)(await GetAsync("Deployment", "legacy"))!["spec"]!["replicas"]!);

        await _kube.DeleteAsync(ObjectRef.Of(canary), "Background", CancellationToken.None);
        // The entity's finalize rounds: until the target is ready again, then the finalizer goes.
        CanaryOutcome outcome;
        JsonObject deleting;
        var rounds = 0;
        do
        {
            Assert.True(rounds++ < 50, "the target never became ready again");
            await Task.Delay(50);
            deleting = (await GetAsync("Canary", "legacy"))!;
            outcome = (await _reconciler.FinalizeAsync(deleting, CancellationToken.None))!;
        }
        while (outcome.RequeueAfter is not null);
        await _reconciler.ReleaseAsync(deleting, CancellationToken.None);
        Assert.Equal("Terminated", outcome.Status.Phase);
        Assert.Contains(outcome.Events, e => e.Message == "Terminated canary legacy.apps");
        Assert.Equal(2, (int)(await GetAsync("Deployment", "legacy"))!["spec"]!["replicas"]!);
        Assert.Null(await GetAsync("Canary", "legacy"));
    }

    [Fact]
    public async Task DaemonSet_BlueGreen_ScalesToZeroByNodeSelector_ThenPromotes()
    {
        await ApplyAsync(DaemonSet("agent", "1.0.0"), Canary("agent", "    iterations: 2", provider: "kubernetes", kind: "DaemonSet"));
        await StepUntilAsync("agent", "Initialized");
        Assert.Equal("true", NodeSelector(await GetAsync("DaemonSet", "agent")));
        Assert.Null(NodeSelector(await GetAsync("DaemonSet", "agent-primary")));
        // The scale-to-zero selector is no new revision.
        await StepAsync("agent");
        Assert.Equal("Initialized", (await StatusAsync("agent")).Phase);

        await ApplyAsync(DaemonSet("agent", "1.1.0"));
        await StepUntilAsync("agent", "Progressing");
        Assert.Null(NodeSelector(await GetAsync("DaemonSet", "agent")));
        await StepUntilAsync("agent", "Succeeded");
        Assert.Contains("Advance agent.apps canary iteration 2/2", _events);
        Assert.Equal("1.1.0", Image(await GetAsync("DaemonSet", "agent-primary")));
        Assert.Equal("true", NodeSelector(await GetAsync("DaemonSet", "agent")));
    }

    private static string? NodeSelector(JsonObject? daemonSet) =>
        (string?)daemonSet?["spec"]?["template"]?["spec"]?["nodeSelector"]?["flagger.app/scale-to-zero"];

    [Fact]
    public async Task SkipAnalysis_PromotesANewRevisionAtOnce()
    {
        await ApplyAsync(Deployment("batch", "1.0.0"), Canary("batch", "    stepWeight: 10", extraSpec: "  skipAnalysis: true"));
        await StepUntilAsync("batch", "Initialized");
        await ApplyAsync(Deployment("batch", "2.0.0"));
        await StepUntilAsync("batch", "Succeeded");
        Assert.Contains("Promotion completed! Canary analysis was skipped for batch.apps", _events);
        Assert.DoesNotContain(_events, e => e.StartsWith("Advance batch.apps canary weight", StringComparison.Ordinal));
        Assert.Equal("2.0.0", Image(await GetAsync("Deployment", "batch-primary")));
    }

    [Fact]
    public async Task SpecThatDoesNotRead_IsStalled_AndNotRetried()
    {
        await ApplyAsync($"""
            apiVersion: flagger.app/v1beta1
            kind: Canary
            metadata:
              name: broken
              namespace: {Ns}
            spec:
              targetRef:
                kind: Deployment
                name: broken
            """);
        var outcome = await StepAsync("broken");
        var stalled = Assert.Single(outcome.Status.Conditions!, c => c.Type == "Stalled");
        Assert.Equal(("True", "InvalidSpec"), (stalled.Status, stalled.Reason));
        Assert.Contains("service", stalled.Message, StringComparison.Ordinal);
        Assert.Null(outcome.RequeueAfter);
    }

    [Fact]
    public void Interval_IsTheAnalysisInterval_NeverBelowTheMinimum()
    {
        static Engine.Api.Canary With(string? interval) => FluxJson.FromYaml<Engine.Api.Canary>($$"""
            apiVersion: flagger.app/v1beta1
            kind: Canary
            metadata: {name: c, namespace: n}
            spec:
              targetRef: {name: t}
              service: {port: 80}
              analysis: {{(interval is null ? "{}" : $"{{interval: {interval}}}")}}
            """);

        Assert.Equal(TimeSpan.FromSeconds(30), _reconciler.Interval(With("30s")));
        Assert.Equal(TimeSpan.FromSeconds(10), _reconciler.Interval(With("1s")));
        Assert.Equal(TimeSpan.FromSeconds(60), _reconciler.Interval(With(null)));
        Assert.Equal(TimeSpan.FromSeconds(60), _reconciler.Interval(With("soon")));
    }

    /// <summary>One step, its status written as the entity writes it; the clock moves one interval.</summary>
    private async Task<CanaryOutcome> StepAsync(string name)
    {
        var obj = await GetAsync("Canary", name) ?? throw new InvalidOperationException($"no canary {name}");
        var outcome = await _reconciler.ReconcileAsync(obj, CancellationToken.None);
        await _kube.ApplyStatusAsync(ObjectRef.Of(obj), FluxJson.ToNode(outcome.Status).AsObject(), "tide", CancellationToken.None);
        _events.AddRange(outcome.Events.Select(e => e.Message));
        _time.Advance(TimeSpan.FromSeconds(10));
        return outcome;
    }

    /// <summary>Steps until the phase is reached; between steps the workload simulation catches up.</summary>
    private async Task StepUntilAsync(string name, string phase, Func<Task>? observe = null)
    {
        for (var i = 0; i < 100; i++)
        {
            var outcome = await StepAsync(name);
            if (observe is not null)
                await observe();
            if (outcome.Status.Phase == phase)
                return;
            await Task.Delay(50);
        }
        throw new TimeoutException($"{name} never reached {phase}; events: {string.Join(" | ", _events)}");
    }

    private async Task<CanaryStatus> StatusAsync(string name) =>
        FluxJson.FromNode<CanaryStatus>((await GetAsync("Canary", name))!["status"]!);

    private async Task<string> WeightsAsync(string name) => string.Join(" ",
        ((await GetAsync("HTTPRoute", name))?["spec"]?["rules"]?[0]?["backendRefs"] as JsonArray ?? [])
        .Select(b => b?["weight"]?.ToString()));

    private Task<JsonObject?> GetAsync(string kind, string name) => _kube.GetAsync(new ObjectRef(kind switch
    {
        "Canary" => Engine.Api.Canary.ApiVersionV1Beta1,
        "HTTPRoute" => GatewayApiRouter.ApiVersion,
        "Deployment" or "DaemonSet" => "apps/v1",
        _ => "v1",
    }, kind, Ns, name), CancellationToken.None);

    private async Task ApplyAsync(params string[] manifests)
    {
        foreach (var manifest in manifests)
            await _kube.ApplyAsync(Read(manifest), new ApplyOptions { FieldManager = "user" }, CancellationToken.None);
    }

    private static string Image(JsonObject? deployment) =>
        ((string?)deployment?["spec"]?["template"]?["spec"]?["containers"]?[0]?["image"] ?? "").Split(':')[^1];

    private static JsonObject Read(string yaml) => ManifestReader.Read(yaml, "test.yaml").Single();

    private static string Config(string app, string value) => $"""
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: {app}-config
          namespace: {Ns}
        data:
          value: {value}
        """;

    private static string Deployment(string name, string tag, string? envFrom = null, int? replicas = 1) => $$"""
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: {{name}}
          namespace: {{Ns}}
        spec:
          {{(replicas is { } count ? $"replicas: {count}" : "")}}
          selector:
            matchLabels:
              app.kubernetes.io/name: {{name}}
          template:
            metadata:
              labels:
                app.kubernetes.io/name: {{name}}
            spec:
              containers:
                - name: app
                  image: example.com/{{name}}:{{tag}}
                  {{(envFrom is null ? "" : $"envFrom: [{{configMapRef: {{name: {envFrom}}}}}]")}}
        """;

    /// <param name="analysis">More analysis lines, indented by four.</param>
    private static string DaemonSet(string name, string tag) => $"""
        apiVersion: apps/v1
        kind: DaemonSet
        metadata:
          name: {name}
          namespace: {Ns}
        spec:
          selector:
            matchLabels:
              app: {name}
          template:
            metadata:
              labels:
                app: {name}
            spec:
              containers:
                - name: agent
                  image: example.com/{name}:{tag}
        """;

    private static string Canary(string name, string analysis, string extraSpec = "", string provider = "gatewayapi",
        string kind = "Deployment") => $"""
        apiVersion: flagger.app/v1beta1
        kind: Canary
        metadata:
          name: {name}
          namespace: {Ns}
        spec:
          provider: {provider}
          targetRef:
            apiVersion: apps/v1
            kind: {kind}
            name: {name}
          service:
            port: 80
            gatewayRefs:
              - name: public
        {extraSpec}
          analysis:
            interval: 10s
            threshold: 2
        {analysis}
        """;
}
