using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Tide.Engine.Notifications;
using Tide.Engine.Notifications.Providers;

namespace Tide.Engine.Tests.Notifications.Providers;

/// <summary>Each Provider type against a local HTTP server that records what it receives: the method, path, headers
/// and JSON body notification-controller sends (written here from Flux's notifier sources), retries of 5xx and
/// unreachable services, and secret values kept out of error messages.</summary>
public sealed class NotifierTests : IAsyncDisposable
{
    private const string Commit = "8e2bcbf2a3a35a36a1b4e0e7b3d2b0a1c2d3e4f5";
    private readonly RecordingHttpServer _server = RecordingHttpServer.Start();
    private readonly NotificationHttp _http = new(new NotificationOptions { RetryWaitMin = TimeSpan.FromMilliseconds(10), RetryWaitMax = TimeSpan.FromMilliseconds(40) });

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    private static FluxEvent Event(string severity = FluxEvent.SeverityInfo, string reason = "ReconciliationSucceeded",
        Dictionary<string, string>? metadata = null) => new()
    {
        InvolvedObject = new EventObject("kustomize.toolkit.fluxcd.io/v1", "Kustomization", "apps", "podinfo") { Uid = "uid-1" },
        Severity = severity,
        Timestamp = new DateTimeOffset(2026, 12, 8, 1, 2, 3, TimeSpan.Zero),
        Message = "Deployment/apps/podinfo configured",
        Reason = reason,
        Metadata = new SortedDictionary<string, string>(metadata ?? new() { ["revision"] = "main@sha1:" + Commit }, StringComparer.Ordinal),
        ReportingController = "kustomize-controller",
    };

    private Task PostAsync(string type, FluxEvent e, Func<ProviderConfig, ProviderConfig>? configure = null, string path = "/hook")
    {
        var config = new ProviderConfig { Type = type, Address = _server.Url + path };
        return NotifierFactory.Create(_http, configure?.Invoke(config) ?? config).PostAsync(e, CancellationToken.None);
    }

    private static void AssertJson(string expected, string actual) =>
        Assert.Equal(JsonNode.Parse(expected)!.ToJsonString(), JsonNode.Parse(actual)!.ToJsonString());

    [Fact]
    public async Task Generic_PostsTheEventItself_WithTheComponentHeaderAndTheSecretsHeaders()
    {
        await PostAsync("generic", Event(), c => c with { Headers = new Dictionary<string, string> { ["X-Team"] = "platform" } });

        var request = await _server.NextAsync();
        Assert.Equal("POST", request.Method);
        Assert.Equal("/hook", request.Path);
        Assert.Equal("application/json; charset=utf-8", request.Headers["Content-Type"]);
        Assert.Equal("kustomize-controller", request.Headers["gotk-component"]);
        Assert.Equal("platform", request.Headers["X-Team"]);
        // Key order and omitted empties as Go writes eventv1.Event.
        Assert.Equal("""{"involvedObject":{"kind":"Kustomization","namespace":"apps","name":"podinfo","uid":"uid-1","apiVersion":"kustomize.toolkit.fluxcd.io/v1"},"severity":"info","timestamp":"2026-12-08T01:02:03Z","message":"Deployment/apps/podinfo configured","reason":"ReconciliationSucceeded","metadata":{"revision":"main@sha1:COMMIT"},"reportingController":"kustomize-controller"}""".Replace("COMMIT", Commit),
            request.Body);
    }

    [Fact]
    public async Task GenericHmac_SignsTheBodyWithTheToken()
    {
        await PostAsync("generic-hmac", Event(), c => c with { Token = "hmac-key" });

        var request = await _server.NextAsync();
        var expected = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData("hmac-key"u8, Encoding.UTF8.GetBytes(request.Body)));
        Assert.Equal(expected, request.Headers["X-Signature"]);
    }

    [Fact]
    public async Task GenericHmac_WithoutAToken_IsRefused()
    {
        var error = await Assert.ThrowsAsync<NotifierException>(() => PostAsync("generic-hmac", Event()));
        Assert.Contains("HMAC key is empty", error.Message);
        Assert.Empty(_server.All);
    }

    [Fact]
    public async Task Slack_SendsOneAttachment_AndTheBotToken()
    {
        await PostAsync("slack", Event(FluxEvent.SeverityError, "HealthCheckFailed"), c => c with { Token = "xoxb-1", Channel = "#ops" });

        var request = await _server.NextAsync();
        Assert.Equal("Bearer xoxb-1", request.Headers["Authorization"]);
        AssertJson("""
            {"channel":"#ops","username":"kustomize-controller","icon_url":"","icon_emoji":"",
             "attachments":[{"fallback":"kustomization/podinfo.apps: Deployment/apps/podinfo configured","color":"danger",
               "author_name":"kustomization/podinfo.apps","text":"Deployment/apps/podinfo configured","mrkdwn_in":["text"],
               "fields":[{"title":"revision","value":"main@sha1:COMMIT","short":false}]}]}
            """.Replace("COMMIT", Commit), request.Body);
    }

    [Fact]
    public async Task Discord_PostsSlacksPayloadToItsSlackEndpoint()
    {
        await PostAsync("discord", Event(), c => c with { Username = "flux", Channel = "ignored" }, "/api/webhooks/1/abc");

        var request = await _server.NextAsync();
        Assert.Equal("/api/webhooks/1/abc/slack", request.Path);
        AssertJson("""
            {"channel":"","username":"flux","icon_url":"","icon_emoji":"",
             "attachments":[{"fallback":"","color":"good","author_name":"kustomization/podinfo.apps",
               "text":"Deployment/apps/podinfo configured","mrkdwn_in":["text"],
               "fields":[{"title":"revision","value":"main@sha1:COMMIT","short":false}]}]}
            """.Replace("COMMIT", Commit), request.Body);
    }

    [Fact]
    public async Task Rocket_UsesItsColours_AndNoDefaultUsername()
    {
        await PostAsync("rocket", Event(metadata: []), c => c with { Channel = "general" });

        AssertJson("""
            {"channel":"general","username":"","icon_url":"","icon_emoji":"",
             "attachments":[{"fallback":"","color":"#0076D7","author_name":"kustomization/podinfo.apps",
               "text":"Deployment/apps/podinfo configured","mrkdwn_in":["text"],"fields":[]}]}
            """, (await _server.NextAsync()).Body);
    }

    [Fact]
    public async Task MSTeams_SendsAnAdaptiveCard_SummaryFactFirst()
    {
        await PostAsync("msteams", Event(FluxEvent.SeverityError, metadata: new() { ["revision"] = "r1", ["summary"] = "prod", ["env"] = "eu" }));

        AssertJson("""
            {"type":"message","attachments":[{"contentType":"application/vnd.microsoft.card.adaptive","content":{
              "$schema":"http://adaptivecards.io/schemas/adaptive-card.json","type":"AdaptiveCard","version":"1.4",
              "body":[{"type":"Container","items":[
                {"type":"TextBlock","text":"kustomization/podinfo.apps","size":"large","weight":"bolder","wrap":true},
                {"type":"TextBlock","text":"Deployment/apps/podinfo configured","color":"attention","wrap":true},
                {"type":"FactSet","facts":[{"title":"summary","value":"prod"},{"title":"env","value":"eu"},{"title":"revision","value":"r1"}]}]}],
              "msteams":{"width":"Full"}}}]}
            """, (await _server.NextAsync()).Body);
    }

    [Fact]
    public async Task GoogleChat_SendsACard()
    {
        await PostAsync("googlechat", Event(FluxEvent.SeverityError, metadata: new() { ["revision"] = "r1" }));

        AssertJson("""
            {"cards":[{"header":{"title":"kustomization/podinfo.apps","subtitle":"kustomize-controller","imageUrl":null,"imageStyle":null},
              "sections":[
                {"header":"","widgets":[{"textParagraph":{"text":"<font color=\"#ff0000\">Deployment/apps/podinfo configured</font>"},"keyValue":null}]},
                {"header":"","widgets":[{"textParagraph":null,"keyValue":{"topLabel":"revision","content":"r1","contentMultiline":false,"bottomLabel":null,"icon":null}}]}]}]}
            """, (await _server.NextAsync()).Body);
    }

    [Fact]
    public async Task Webex_SendsMarkdownToTheRoom_WithTheBotToken()
    {
        await PostAsync("webex", Event(metadata: new() { ["revision"] = "r1" }), c => c with { Channel = "room-1", Token = "bot-token" });

        var request = await _server.NextAsync();
        Assert.Equal("Bearer bot-token", request.Headers["Authorization"]);
        AssertJson("""{"roomId":"room-1","markdown":"✅ **kustomization/podinfo.apps**\nDeployment/apps/podinfo configured\n>**revision**: r1\n"}""",
            request.Body);
    }

    [Fact]
    public async Task Alertmanager_SendsAFiringAlert_WithBasicAuth()
    {
        await PostAsync("alertmanager", Event(FluxEvent.SeverityError, "HealthCheckFailed", new() { ["revision"] = "r1", ["summary"] = "prod" }),
            c => c with { Username = "am", Password = "pw" }, "/api/v2/alerts");

        var request = await _server.NextAsync();
        Assert.Equal("/api/v2/alerts", request.Path);
        Assert.Equal("Basic " + Convert.ToBase64String("am:pw"u8), request.Headers["Authorization"]);
        AssertJson("""
            [{"status":"firing",
              "labels":{"alertname":"FluxKustomizationHealthcheckfailed","kind":"Kustomization","name":"podinfo","namespace":"apps",
                "reason":"HealthCheckFailed","reportingcontroller":"kustomize-controller","revision":"r1","severity":"error"},
              "annotations":{"message":"Deployment/apps/podinfo configured","summary":"prod"},
              "startsAt":"2026-12-08T01:02:03Z","endsAt":"0001-01-01T00:00:00Z"}]
            """, request.Body);
    }

    [Fact]
    public async Task Grafana_AddsAnAnnotation_TaggedWithTheMetadataAndObject()
    {
        await PostAsync("grafana", Event(metadata: new() { ["revision"] = "main@sha1:abc", ["env"] = "prod" }),
            c => c with { Token = "glsa-token" }, "/api/annotations");

        var request = await _server.NextAsync();
        Assert.Equal("Bearer glsa-token", request.Headers["Authorization"]);
        AssertJson("""
            {"when":1796691723,"text":"kustomization/podinfo.apps",
             "tags":["flux","kustomize-controller","env: prod","revision: main@sha1|abc","kind: Kustomization","name: podinfo","namespace: apps"]}
            """, request.Body);
    }

    [Fact]
    public async Task Opsgenie_SendsAnAlert_WithItsAliasAndTheGenieKey()
    {
        await PostAsync("opsgenie", Event(FluxEvent.SeverityError, "HealthCheckFailed", new() { ["revision"] = "r1" }),
            c => c with { Token = "genie", ProviderUid = "uid-9" }, "/v2/alerts");

        var request = await _server.NextAsync();
        Assert.Equal("GenieKey genie", request.Headers["Authorization"]);
        var alias = Convert.ToHexStringLower(SHA256.HashData("uid-9/Kustomization/apps/podinfo/HealthCheckFailed"u8));
        AssertJson($$"""
            {"message":"Kustomization/podinfo","alias":"{{alias}}","description":"Deployment/apps/podinfo configured",
             "details":{"revision":"r1","severity":"error"} }
            """, request.Body);
    }

    [Fact]
    public async Task GitHub_SetsTheCommitStatus_OfTheRevisionsCommit()
    {
        await PostAsync("github", Event(), c => c with { Address = _server.Url + "/org/app.git", Token = "gh-token", CommitStatus = "kustomization/podinfo/0c9c2e41" });

        var list = await _server.NextAsync();
        Assert.Equal("GET", list.Method);
        Assert.Equal($"/api/v3/repos/org/app/commits/{Commit}/statuses?per_page=50", list.Path);
        var create = await _server.NextAsync();
        Assert.Equal("POST", create.Method);
        Assert.Equal($"/api/v3/repos/org/app/statuses/{Commit}", create.Path);
        Assert.Equal("Bearer gh-token", create.Headers["Authorization"]);
        AssertJson("""{"state":"success","description":"reconciliation succeeded","context":"kustomization/podinfo/0c9c2e41"}""", create.Body);
    }

    [Fact]
    public async Task GitHub_DoesNotRepeatAStatusTheCommitHas_AndSkipsProgressing()
    {
        _server.Respond = _ => (200, """[{"state":"failure","description":"health check failed","context":"ks/key"}]""");
        await PostAsync("github", Event(FluxEvent.SeverityError, "HealthCheckFailed"),
            c => c with { Address = _server.Url + "/org/app", Token = "t", CommitStatus = "ks/key" });
        await PostAsync("github", Event(reason: "Progressing"), c => c with { Address = _server.Url + "/org/app", Token = "t", CommitStatus = "ks/key" });

        var only = Assert.Single(_server.All);
        Assert.Equal("GET", only.Method);
    }

    [Fact]
    public async Task GitLab_SetsTheCommitStatus_ThroughTheProjectPath()
    {
        await PostAsync("gitlab", Event(FluxEvent.SeverityError, "ReconciliationFailed"),
            c => c with { Address = _server.Url + "/group/sub/app.git", Token = "gl-token", CommitStatus = "kustomization/podinfo/0c9c2e41" });

        var list = await _server.NextAsync();
        Assert.Equal($"/api/v4/projects/group%2Fsub%2Fapp/repository/commits/{Commit}/statuses?name=kustomization%2Fpodinfo%2F0c9c2e41", list.Path);
        Assert.Equal("gl-token", list.Headers["PRIVATE-TOKEN"]);
        var create = await _server.NextAsync();
        Assert.Equal($"/api/v4/projects/group%2Fsub%2Fapp/statuses/{Commit}", create.Path);
        AssertJson("""{"state":"failed","name":"kustomization/podinfo/0c9c2e41","description":"reconciliation failed"}""", create.Body);
    }

    [Fact]
    public async Task Gitea_ReportsProgressingAsPending()
    {
        await PostAsync("gitea", Event(reason: "Progressing"), c => c with { Address = _server.Url + "/org/app", Token = "gt-token", CommitStatus = "ks/key" });

        var list = await _server.NextAsync();
        Assert.Equal($"/api/v1/repos/org/app/statuses/{Commit}?page=0&limit=50", list.Path);
        var create = await _server.NextAsync();
        Assert.Equal("token gt-token", create.Headers["Authorization"]);
        AssertJson("""{"state":"pending","target_url":"","description":"progressing","context":"ks/key"}""", create.Body);
    }

    [Fact]
    public async Task GitHubDispatch_SendsARepositoryDispatch_WithTheEventAsClientPayload()
    {
        await PostAsync("githubdispatch", Event(), c => c with { Address = _server.Url + "/org/app.git", Token = "gh-token" });

        var request = await _server.NextAsync();
        Assert.Equal("POST", request.Method);
        Assert.Equal("/api/v3/repos/org/app/dispatches", request.Path);
        Assert.Equal("Bearer gh-token", request.Headers["Authorization"]);
        Assert.Equal("application/vnd.github.v3+json", request.Headers["Accept"]);
        // client_payload is the event exactly as Go marshals it, key order included.
        Assert.Equal("""{"event_type":"Kustomization/podinfo.apps","client_payload":{"involvedObject":{"kind":"Kustomization","namespace":"apps","name":"podinfo","uid":"uid-1","apiVersion":"kustomize.toolkit.fluxcd.io/v1"},"severity":"info","timestamp":"2026-12-08T01:02:03Z","message":"Deployment/apps/podinfo configured","reason":"ReconciliationSucceeded","metadata":{"revision":"main@sha1:COMMIT"},"reportingController":"kustomize-controller"}}""".Replace("COMMIT", Commit),
            request.Body);
    }

    [Fact]
    public async Task GitHubDispatch_WithoutAToken_OrAnOwnerAndRepository_IsRefused()
    {
        var noToken = await Assert.ThrowsAsync<NotifierException>(() => PostAsync("githubdispatch", Event(), c => c with { Address = _server.Url + "/org/app" }));
        Assert.Equal("github token cannot be empty: the secretRef must hold a 'token'", noToken.Message);
        var badRepository = await Assert.ThrowsAsync<NotifierException>(() => PostAsync("githubdispatch", Event(), c => c with { Address = _server.Url + "/org/sub/app", Token = "t" }));
        Assert.Equal("invalid repository id \"org/sub/app\"", badRepository.Message);
        Assert.Empty(_server.All);
    }

    [Fact]
    public async Task CommitStatus_WithoutARevision_OrAToken_IsRefused()
    {
        var noRevision = await Assert.ThrowsAsync<NotifierException>(() => PostAsync("github", Event(metadata: []),
            c => c with { Address = _server.Url + "/org/app", Token = "t", CommitStatus = "k" }));
        Assert.Equal("missing revision metadata", noRevision.Message);
        var noToken = await Assert.ThrowsAsync<NotifierException>(() => PostAsync("gitlab", Event(),
            c => c with { Address = _server.Url + "/org/app", CommitStatus = "k" }));
        Assert.Contains("token cannot be empty", noToken.Message);
    }

    [Theory]
    [InlineData("main@sha1:8e2bcbf2a3a35a36a1b4e0e7b3d2b0a1c2d3e4f5")]
    [InlineData("v1.2.3@sha1:8e2bcbf2a3a35a36a1b4e0e7b3d2b0a1c2d3e4f5")]
    [InlineData("main/8e2bcbf2a3a35a36a1b4e0e7b3d2b0a1c2d3e4f5")]
    [InlineData("8e2bcbf2a3a35a36a1b4e0e7b3d2b0a1c2d3e4f5")]
    public void CommitOf_ReadsFluxRevisions(string revision) =>
        Assert.Equal(Commit, CommitStatusNotifier.CommitOf(revision));

    [Theory]
    [InlineData("https://github.com/org/app.git", "https://github.com", "org/app")]
    [InlineData("ssh://git@github.com/org/app", "https://github.com", "org/app")]
    [InlineData("git@gitlab.example.com:group/sub/app.git", "https://gitlab.example.com", "group/sub/app")]
    [InlineData("http://127.0.0.1:3000/org/app", "http://127.0.0.1:3000", "org/app")]
    public void ParseGitAddress_GivesTheWebHostAndRepository(string address, string host, string repository) =>
        Assert.Equal((host, repository), CommitStatusNotifier.ParseGitAddress(address));

    [Theory]
    [InlineData("ReconciliationSucceeded", "reconciliation succeeded")]
    [InlineData("HealthCheckFailed", "health check failed")]
    [InlineData("PDFLoader", "pdf loader")]
    public void Describe_SplitsTheReasonIntoWords(string reason, string words) =>
        Assert.Equal(words, CommitStatusNotifier.Describe(reason));

    [Fact]
    public async Task A5xx_IsRetried_UntilItSucceeds()
    {
        var calls = 0;
        _server.Respond = _ => Interlocked.Increment(ref calls) <= 2 ? (500, "busy") : (200, "");

        await PostAsync("generic", Event());

        Assert.Equal(3, _server.All.Count);
    }

    [Fact]
    public async Task A5xx_ThatLasts_GivesUpAfterTheRetries_AndA4xxAtOnce()
    {
        _server.Respond = _ => (503, "down");
        var down = await Assert.ThrowsAsync<NotifierException>(() => PostAsync("generic", Event()));
        Assert.Equal("giving up after 5 attempt(s): request failed with status code 503: down", down.Message);
        Assert.Equal(5, _server.All.Count);

        _server.Respond = _ => (400, "bad");
        var refused = await Assert.ThrowsAsync<NotifierException>(() => PostAsync("generic", Event()));
        Assert.Equal("request failed with status code 400: bad", refused.Message);
        Assert.Equal(6, _server.All.Count);
    }

    [Fact]
    public async Task AnUnreachableService_IsRetried_ThenReported()
    {
        var closed = FreePort.Next();
        var config = new ProviderConfig { Type = "generic", Address = $"http://127.0.0.1:{closed}/hook" };

        var error = await Assert.ThrowsAsync<NotifierException>(() => NotifierFactory.Create(_http, config).PostAsync(Event(), CancellationToken.None));

        Assert.StartsWith("giving up after 5 attempt(s): ", error.Message);
    }

    [Fact]
    public async Task SecretValues_AreMasked_InErrors()
    {
        _server.Respond = r => (401, "invalid token " + r.Headers["Authorization"]);
        var config = new ProviderConfig { Type = "slack", Address = _server.Url + "/services/T0/B0/hooksecret", Token = "xoxb-secret", Secrets = ["xoxb-secret", _server.Url + "/services/T0/B0/hooksecret"] };

        var error = await Assert.ThrowsAsync<NotifierException>(() => NotifierFactory.Create(_http, config).PostAsync(Event(), CancellationToken.None));

        Assert.DoesNotContain("xoxb-secret", error.Message);
        Assert.Contains("*****", error.Message);
    }

    [Fact]
    public void AnUnsupportedType_IsNamedInTheError()
    {
        var error = Assert.Throws<NotifierException>(() => NotifierFactory.Create(_http, new ProviderConfig { Type = "telegram", Address = "x" }));
        Assert.StartsWith("provider type 'telegram' is not supported by Tide (supported: generic, generic-hmac, slack", error.Message);
    }
}
