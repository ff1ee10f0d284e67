using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Tide.Engine.Kube;
using Tide.Engine.Notifications;
using Tide.Engine.Notifications.Providers;
using Tide.Engine.Reconcilers;
using Tide.Engine.Tests.Reconcilers.Kustomizations;

namespace Tide.Engine.Tests.Notifications;

/// <summary>notification-controller's event routing on the embedded API server: which Alerts an event reaches
/// (eventSources, severity, inclusion/exclusion, suspend, matchLabels), the metadata each Provider gets, Flux's rate
/// limit, the commit status rules, and failures reported as Warning events on the Alert without secret values.</summary>
public sealed class NotificationDispatcherTests(KustomizationCluster cluster) : IClassFixture<KustomizationCluster>, IAsyncLifetime
{
    private const string Commit = "8e2bcbf2a3a35a36a1b4e0e7b3d2b0a1c2d3e4f5";
    private readonly RecordingHttpServer _server = RecordingHttpServer.Start();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 8, 1, 0, 0, TimeSpan.Zero));
    private readonly string _ns = "n" + Guid.NewGuid().ToString("N")[..8];
    private NotificationDispatcher _dispatcher = null!;

    private KubeClient Kube => cluster.Kube;

    public async Task InitializeAsync()
    {
        var options = new NotificationOptions
        {
            RetryMax = 1, RetryWaitMin = TimeSpan.FromMilliseconds(10), ReportingInstance = "node-0",
            RedeliveryInterval = TimeSpan.FromMinutes(1),
        };
        _dispatcher = new NotificationDispatcher(Kube, new ProviderSender(Kube, new NotificationHttp(options)),
            new EventRecorder(Kube, _time), options, _time);
        await cluster.CreateAsync($"apiVersion: v1\nkind: Namespace\nmetadata:\n  name: {_ns}\n");
    }

    public async Task DisposeAsync()
    {
        await _dispatcher.DisposeAsync();
        await _server.DisposeAsync();
    }

    private Task ApplyAsync(string yaml) => cluster.CreateAsync(yaml.Replace("NS", _ns));

    private Task ProviderAsync(string name, string type, string extra = "", string? path = null) => ApplyAsync($$"""
        apiVersion: notification.toolkit.fluxcd.io/v1beta3
        kind: Provider
        metadata: {name: {{name}}, namespace: NS}
        spec:
          type: {{type}}
          address: {{_server.Url}}/{{path ?? name}}
        {{extra}}
        """);

    /// <summary>An Alert that labels what it sends with its own name (eventMetadata alert: NAME).</summary>
    private Task AlertAsync(string name, string provider, string sources, string extra = "") => ApplyAsync($$"""
        apiVersion: notification.toolkit.fluxcd.io/v1beta3
        kind: Alert
        metadata: {name: {{name}}, namespace: NS}
        spec:
          providerRef: {name: {{provider}}}
          eventMetadata: {alert: {{name}}}
          eventSources: {{sources}}
        {{extra}}
        """);

    private FluxEvent Event(string name = "app", string severity = FluxEvent.SeverityInfo, string message = "Deployment/apps/app configured",
        Dictionary<string, string>? metadata = null) => new()
    {
        InvolvedObject = new EventObject("kustomize.toolkit.fluxcd.io/v1", "Kustomization", _ns, name),
        Severity = severity,
        Timestamp = _time.GetUtcNow(),
        Message = message,
        Reason = severity == FluxEvent.SeverityError ? "HealthCheckFailed" : "ReconciliationSucceeded",
        Metadata = new SortedDictionary<string, string>(metadata ?? new() { ["kustomize.toolkit.fluxcd.io/revision"] = "main@sha1:" + Commit }, StringComparer.Ordinal),
        ReportingController = "kustomize-controller",
        ReportingInstance = "node-0",
    };

    private async Task DispatchAsync(FluxEvent e)
    {
        await _dispatcher.DispatchAsync(e, CancellationToken.None);
        await _dispatcher.IdleAsync();
    }

    private IReadOnlyList<string> AlertsHeard() =>
        _server.All.Select(r => JsonNode.Parse(r.Body)!["metadata"]!["alert"]!.GetValue<string>()).Order().ToList();

    private async Task<IReadOnlyList<JsonObject>> EventsOfAsync(string alert) =>
        (await Kube.ListAsync("v1", "Event", _ns, null, CancellationToken.None)).Items
            .Where(e => e["involvedObject"]!["kind"]!.GetValue<string>() == "Alert" && e["involvedObject"]!["name"]!.GetValue<string>() == alert)
            .ToList();

    [Fact]
    public async Task AnEvent_ReachesTheAlertsWhoseSourcesSeverityAndListsLetItThrough()
    {
        await ProviderAsync("hook", "generic");
        await AlertAsync("all-ks", "hook", "[{kind: Kustomization, name: '*'}]");
        await AlertAsync("this-ks", "hook", "[{kind: GitRepository, name: '*'}, {kind: Kustomization, name: app}]");
        await AlertAsync("other-ks", "hook", "[{kind: Kustomization, name: other}]");
        await AlertAsync("other-ns", "hook", "[{kind: Kustomization, name: '*', namespace: elsewhere}]");
        await AlertAsync("git", "hook", "[{kind: GitRepository, name: '*'}]");
        await AlertAsync("errors", "hook", "[{kind: Kustomization, name: '*'}]", "  eventSeverity: error");
        await AlertAsync("suspended", "hook", "[{kind: Kustomization, name: '*'}]", "  suspend: true");
        await AlertAsync("included", "hook", "[{kind: Kustomization, name: '*'}]", "  inclusionList: ['^Deployment/.*']");
        await AlertAsync("not-included", "hook", "[{kind: Kustomization, name: '*'}]", "  inclusionList: ['^Service/']");
        await AlertAsync("excluded", "hook", "[{kind: Kustomization, name: '*'}]", "  exclusionList: ['configured$']");

        await DispatchAsync(Event());

        Assert.Equal(["all-ks", "included", "this-ks"], AlertsHeard());
        await DispatchAsync(Event(severity: FluxEvent.SeverityError, message: "health check failed"));
        Assert.Equal(["all-ks", "all-ks", "errors", "excluded", "included", "this-ks", "this-ks"], AlertsHeard());
    }

    [Fact]
    public async Task AWildcardSource_WithMatchLabels_ReadsTheObjectsLabels()
    {
        await ApplyAsync("""
            apiVersion: kustomize.toolkit.fluxcd.io/v1
            kind: Kustomization
            metadata: {name: labelled, namespace: NS, labels: {team: a}}
            spec: {interval: 10m, path: ./, prune: true, sourceRef: {kind: GitRepository, name: repo}}
            """);
        await ProviderAsync("hook", "generic");
        await AlertAsync("team-a", "hook", "[{kind: Kustomization, name: '*', matchLabels: {team: a}}]");
        await AlertAsync("team-b", "hook", "[{kind: Kustomization, name: '*', matchLabels: {team: b}}]");

        await DispatchAsync(Event("labelled"));

        Assert.Equal(["team-a"], AlertsHeard());
    }

    [Fact]
    public async Task TheProvider_GetsTheCombinedMetadata_AndAConflictIsAWarningOnTheAlert()
    {
        await ProviderAsync("hook", "generic");
        await ApplyAsync("""
            apiVersion: notification.toolkit.fluxcd.io/v1beta3
            kind: Alert
            metadata: {name: meta, namespace: NS}
            spec:
              providerRef: {name: hook}
              eventSources: [{kind: Kustomization, name: '*'}]
              summary: production in eu
              eventMetadata: {alert: meta, env: prod, revision: not-this}
            """);

        await DispatchAsync(Event(metadata: new()
        {
            ["kustomize.toolkit.fluxcd.io/revision"] = "main@sha1:" + Commit,
            ["event.toolkit.fluxcd.io/cluster"] = "eu-1",
        }));

        var body = JsonNode.Parse(Assert.Single(_server.All).Body)!;
        Assert.Equal("""{"alert":"meta","cluster":"eu-1","env":"prod","revision":"main@sha1:8e2bcbf2a3a35a36a1b4e0e7b3d2b0a1c2d3e4f5","summary":"production in eu"}""",
            body["metadata"]!.ToJsonString());
        var warning = Assert.Single(await EventsOfAsync("meta"));
        Assert.Equal("MetadataAppendFailed", warning["reason"]!.GetValue<string>());
        Assert.Equal("Alert object .spec.eventMetadata, involved object controller metadata",
            warning["metadata"]!["annotations"]!["revision"]!.GetValue<string>());
    }

    [Fact]
    public async Task AnEqualEvent_IsSentOnce_PerRateLimitInterval()
    {
        await ProviderAsync("hook", "generic");
        await AlertAsync("once", "hook", "[{kind: Kustomization, name: '*'}]");

        await DispatchAsync(Event());
        await DispatchAsync(Event());
        Assert.Single(_server.All);
        await DispatchAsync(Event(message: "another message"));
        Assert.Equal(2, _server.All.Count);

        _time.Advance(TimeSpan.FromMinutes(5));
        await DispatchAsync(Event());
        Assert.Equal(3, _server.All.Count);
    }

    [Fact]
    public async Task CommitStatusProviders_TakeCommitStatusUpdatesAndErrors_ChatProvidersNotTheUpdates()
    {
        await ApplyAsync("""
            apiVersion: v1
            kind: Secret
            metadata: {name: gh, namespace: NS}
            stringData: {token: gh-token}
            """);
        await ProviderAsync("github", "github", "  secretRef: {name: gh}", "org/app");
        await ProviderAsync("slack", "slack");
        await AlertAsync("gh", "github", "[{kind: Kustomization, name: '*'}]");
        await AlertAsync("chat", "slack", "[{kind: Kustomization, name: '*'}]");
        var revision = new Dictionary<string, string> { ["kustomize.toolkit.fluxcd.io/revision"] = "main@sha1:" + Commit };

        await DispatchAsync(Event(message: "plain info", metadata: revision));
        Assert.Equal(["/slack"], _server.All.Select(r => r.Path));

        await DispatchAsync(Event(message: "Reconciliation finished", metadata: new(revision) { ["kustomize.toolkit.fluxcd.io/commit_status"] = "update" }));
        var status = _server.All.Where(r => r.Method == "POST" && r.Path != "/slack").ToList();
        // The default key: kind/name/first part of the Provider's UID, lower case.
        var uid = (await cluster.GetAsync("notification.toolkit.fluxcd.io/v1beta3", "Provider", _ns, "github"))!["metadata"]!["uid"]!.GetValue<string>();
        Assert.Equal($$"""{"state":"success","description":"reconciliation succeeded","context":"kustomization/app/{{uid.Split('-')[0]}}"}""",
            Assert.Single(status).Body);
        Assert.Equal(1, _server.All.Count(r => r.Path == "/slack"));

        await DispatchAsync(Event(severity: FluxEvent.SeverityError, message: "failed", metadata: revision));
        Assert.Equal(2, _server.All.Count(r => r.Path == "/slack"));
        Assert.Equal(2, _server.All.Count(r => r.Method == "POST" && r.Path.Contains("/statuses/")));
    }

    [Fact]
    public async Task TheSecretRef_GivesAddressTokenAndHeaders()
    {
        await ApplyAsync($$"""
            apiVersion: v1
            kind: Secret
            metadata: {name: hook-secret, namespace: NS}
            stringData:
              address: {{_server.Url}}/from-secret
              token: hmac-key
              headers: |
                X-Team: platform
            """);
        await ApplyAsync("""
            apiVersion: notification.toolkit.fluxcd.io/v1beta3
            kind: Provider
            metadata: {name: signed, namespace: NS}
            spec: {type: generic-hmac, address: http://127.0.0.1:1/not-used, secretRef: {name: hook-secret}}
            """);
        await AlertAsync("signed", "signed", "[{kind: Kustomization, name: '*'}]");

        await DispatchAsync(Event());

        var request = Assert.Single(_server.All);
        Assert.Equal("/from-secret", request.Path);
        Assert.Equal("platform", request.Headers["X-Team"]);
        Assert.Equal("sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData("hmac-key"u8, Encoding.UTF8.GetBytes(request.Body))),
            request.Headers["X-Signature"]);
    }

    [Fact]
    public async Task AFailingProvider_IsAWarningOnTheAlert_WithoutTheSecret()
    {
        await ApplyAsync($$"""
            apiVersion: v1
            kind: Secret
            metadata: {name: slack-secret, namespace: NS}
            stringData: {address: "{{_server.Url}}/services/T0/B0/s3cr3t-hook", token: xoxb-s3cr3t}
            """);
        await ApplyAsync("""
            apiVersion: notification.toolkit.fluxcd.io/v1beta3
            kind: Provider
            metadata: {name: slack, namespace: NS}
            spec: {type: slack, secretRef: {name: slack-secret}}
            """);
        await AlertAsync("failing", "slack", "[{kind: Kustomization, name: '*'}]");
        await AlertAsync("no-provider", "missing", "[{kind: Kustomization, name: '*'}]");
        await AlertAsync("bad-regex", "slack", "[{kind: Kustomization, name: '*'}]", "  inclusionList: ['(unclosed']");
        _server.Respond = r => (500, "echo " + r.Headers["Authorization"] + " " + r.Path);

        await DispatchAsync(Event());

        Assert.Equal(2, _server.All.Count);
        var failed = Assert.Single(await EventsOfAsync("failing"));
        Assert.Equal("Warning", failed["type"]!.GetValue<string>());
        Assert.Equal("NotificationDispatchFailed", failed["reason"]!.GetValue<string>());
        Assert.Equal($"failed to send notification for Kustomization/{_ns}/app: postMessage failed: giving up after 2 attempt(s): " +
            "request failed with status code 500: echo Bearer ***** /services/T0/B0/s3cr3t-hook", failed["message"]!.GetValue<string>());
        var missing = Assert.Single(await EventsOfAsync("no-provider"));
        Assert.Equal($"failed to dispatch notification for Kustomization/{_ns}/app: failed to read provider: " +
            "providers.notification.toolkit.fluxcd.io \"missing\" not found", missing["message"]!.GetValue<string>());
        var invalid = Assert.Single(await EventsOfAsync("bad-regex"));
        Assert.Equal(("InvalidConfig", "failed to compile inclusion regex: (unclosed"),
            (invalid["reason"]!.GetValue<string>(), invalid["message"]!.GetValue<string>()));
    }

    [Fact]
    public async Task AnEventAProviderMissed_StaysInTheOutbox_AndIsRedeliveredOnceItRecovers()
    {
        await ProviderAsync("hook", "generic");
        await ProviderAsync("other", "generic");
        await AlertAsync("down", "hook", "[{kind: Kustomization, name: '*'}]");
        await AlertAsync("up", "other", "[{kind: Kustomization, name: '*'}]");
        var involved = await cluster.CreateAsync($$"""
            apiVersion: kustomize.toolkit.fluxcd.io/v1
            kind: Kustomization
            metadata: {name: app, namespace: {{_ns}} }
            spec: {interval: 10m, path: ./, prune: true, sourceRef: {kind: GitRepository, name: repo} }
            """);
        var recorded = new ReconcileEvent(ReconcileEvent.Normal, "ReconciliationSucceeded", "ConfigMap/default/a created",
            new Dictionary<string, string> { ["revision"] = "main@sha1:" + Commit });
        _server.Respond = r => r.Path == "/hook" ? (500, "down") : (200, "");

        var outbox = await new EventRecorder(Kube, _time).RecordAsync(involved, recorded, "kustomize-controller", CancellationToken.None,
            NotificationDispatcher.OutboxLabels);
        _dispatcher.Publish(involved, recorded, "kustomize-controller", outbox);

        // The Alert whose Provider failed is named on the Event, which stays pending; the other got it.
        var pending = await Eventually.WaitAsync(() => cluster.GetAsync("v1", "Event", _ns, outbox!.Name),
            e => e?["metadata"]?["annotations"]?[NotificationDispatcher.AlertsAnnotation] is not null, TimeSpan.FromSeconds(20), "the outbox settled");
        Assert.Equal($"{_ns}/down", pending!["metadata"]!["annotations"]![NotificationDispatcher.AlertsAnnotation]!.ToString());
        Assert.Equal("true", pending["metadata"]!["labels"]![NotificationDispatcher.PendingLabel]!.ToString());
        Assert.Equal(["/hook", "/hook", "/other"], _server.All.Select(r => r.Path).Order());

        _server.Respond = _ => (200, "");
        _time.Advance(TimeSpan.FromMinutes(1));
        var settled = await Eventually.WaitAsync(() => cluster.GetAsync("v1", "Event", _ns, outbox!.Name),
            e => e?["metadata"]?["labels"]?[NotificationDispatcher.PendingLabel] is null, TimeSpan.FromSeconds(20), "the outbox emptied");
        Assert.Null(settled!["metadata"]!["annotations"]![NotificationDispatcher.AlertsAnnotation]);
        // Only the Alert that missed it gets it again, with the event as the controller sent it.
        var redelivered = _server.All.Last();
        Assert.Equal("/hook", redelivered.Path);
        Assert.Equal(3, _server.All.Count(r => r.Path == "/hook"));
        Assert.Equal("ConfigMap/default/a created", JsonNode.Parse(redelivered.Body)!["message"]!.ToString());
        Assert.Equal("main@sha1:" + Commit, JsonNode.Parse(redelivered.Body)!["metadata"]!["revision"]!.ToString());
    }
}
