using System.Net;
using System.Security.Cryptography;
using System.Text;
using Tide.Testing;

namespace Tide.EndToEnd.Tests;

/// <summary>Receivers (notification.toolkit.fluxcd.io/v1) on a running node: the webhook path Flux derives from the
/// token, each type's validation (a refused call annotates nothing), and a push announced by a webhook applied
/// without waiting for any interval.</summary>
public sealed class ReceiverTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private const string Token = "s3cr3t-webhook-token";
    private const string RequestedAt = "{.metadata.annotations.reconcile\\.fluxcd\\.io/requestedAt}";
    private static readonly HttpClient Http = new();
    private static readonly byte[] NexusBody = """{"action":"CREATED","repositoryName":"docker-hosted"}"""u8.ToArray();

    [Fact]
    public async Task EachType_AnnotatesItsResourcesOnAValidCall_AndNothingOnAnInvalidOne()
    {
        await using var env = await TideEnvironment.StartAsync();
        await env.Kubectl.ApplyAsync(Manifests.FluxSystem);
        await env.Kubectl.ApplyAsync(TokenSecret("webhook-token", Token));
        var body = """{"ref":"refs/heads/main"}"""u8.ToArray();
        var cases = new (string Type, string? Events, Func<HttpRequestMessage>[] Invalid, Func<HttpRequestMessage> Valid)[]
        {
            ("generic", null, [], () => Post(body)),
            ("generic-hmac", null,
            [
                () => Post(body, ("X-Signature", Hmac256("wrong-token", body))),
                () => Post(body),
            ],
                () => Post(body, ("X-Signature", Hmac256(Token, body)))),
            ("github", "[ping, push]",
            [
                () => Post(body, ("X-Hub-Signature-256", Hmac256("wrong-token", body)), ("X-GitHub-Event", "push")),
                () => Post(body, ("X-Hub-Signature-256", Hmac256(Token, body)), ("X-GitHub-Event", "issues")),
                () => Post("""{"ref":"refs/heads/other"}"""u8.ToArray(), ("X-Hub-Signature-256", Hmac256(Token, body)), ("X-GitHub-Event", "push")),
            ],
                () => Post(body, ("X-Hub-Signature", "sha1=" + Convert.ToHexStringLower(HMACSHA1.HashData(Encoding.UTF8.GetBytes(Token), body))),
                    ("X-GitHub-Event", "push"))),
            ("gitlab", "[Push Hook]",
            [
                () => Post(body, ("X-Gitlab-Token", "wrong-token"), ("X-Gitlab-Event", "Push Hook")),
                () => Post(body, ("X-Gitlab-Token", Token), ("X-Gitlab-Event", "Tag Push Hook")),
            ],
                () => Post(body, ("X-Gitlab-Token", Token), ("X-Gitlab-Event", "push hook"))),
            ("bitbucket", "[repo:refs_changed]",
            [
                () => Post(body, ("X-Hub-Signature", Hmac256("wrong-token", body)), ("X-Event-Key", "repo:refs_changed")),
                () => Post(body, ("X-Hub-Signature", Hmac256(Token, body)), ("X-Event-Key", "pr:opened")),
            ],
                () => Post(body, ("X-Hub-Signature", Hmac256(Token, body)), ("X-Event-Key", "repo:refs_changed"))),
            ("harbor", null,
            [
                () => Post(body, ("Authorization", "wrong-token")),
                () => Post(body),
            ],
                () => Post(body, ("Authorization", Token))),
            ("quay", null, [() => Post("not json"u8.ToArray())],
                () => Post("""{"docker_url":"quay.io/team/app","updated_tags":["1.0.0"]}"""u8.ToArray())),
            ("dockerhub", null, [() => Post("[]"u8.ToArray())],
                () => Post("""{"push_data":{"tag":"1.0.0"},"repository":{"repo_url":"https://hub.example/r/team/app"}}"""u8.ToArray())),
            ("acr", null, [() => Post("not json"u8.ToArray())],
                () => Post("""{"action":"push","target":{"repository":"team/app","tag":"1.0.0"}}"""u8.ToArray())),
            ("nexus", null,
            [
                () => Post(NexusBody),
                () => Post(NexusBody, ("X-Nexus-Webhook-Signature", Convert.ToHexStringLower(HMACSHA1.HashData("wrong-token"u8.ToArray(), NexusBody)))),
            ],
                () => Post(NexusBody, ("X-Nexus-Webhook-Signature", Convert.ToHexStringLower(HMACSHA1.HashData(Encoding.UTF8.GetBytes(Token), NexusBody))))),
        };
        foreach (var (type, events, _, _) in cases)
        {
            await env.Kubectl.ApplyAsync(SuspendedGitRepository("repo-" + type));
            await env.Kubectl.ApplyAsync(Receiver("hook-" + type, type, events, "repo-" + type));
        }

        foreach (var (type, _, invalid, valid) in cases)
        {
            var name = "hook-" + type;
            var path = await WaitForWebhookPathAsync(env, name);
            // Flux's formula, computed here independently: sha256 hex of token + name + namespace.
            Assert.Equal("/hook/" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Token + name + "flux-system"))), path);
            Assert.Equal($"Receiver initialized for path: {path}",
                await env.Kubectl.JsonPathAsync("receiver/" + name, "flux-system", "{.status.conditions[?(@.type==\"Ready\")].message}"));
            var url = new Uri(env.Nodes[0].WebhookUrl, path);
            foreach (var request in invalid)
            {
                using var message = request();
                message.RequestUri = url;
                using var refused = await Http.SendAsync(message);
                Assert.True(refused.StatusCode == HttpStatusCode.BadRequest, $"{type}: {refused.StatusCode}");
            }
            Assert.Equal("", await env.Kubectl.JsonPathAsync("gitrepository/repo-" + type, "flux-system", RequestedAt) ?? "");

            using var call = valid();
            call.RequestUri = url;
            using var accepted = await Http.SendAsync(call);
            Assert.True(accepted.StatusCode == HttpStatusCode.OK, $"{type}: {accepted.StatusCode}");
            Assert.NotEqual("", await env.Kubectl.JsonPathAsync("gitrepository/repo-" + type, "flux-system", RequestedAt) ?? "");
        }

        using var unknown = await Http.PostAsync(new Uri(env.Nodes[0].WebhookUrl, "/hook/" + new string('0', 64)), new ByteArrayContent(body));
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task GitHubPing_IsAnswered_AndWildcardResourcesAreSelectedByLabels()
    {
        await using var env = await TideEnvironment.StartAsync();
        await env.Kubectl.ApplyAsync(Manifests.FluxSystem);
        await env.Kubectl.ApplyAsync(TokenSecret("webhook-token", Token));
        await env.Kubectl.ApplyAsync(SuspendedGitRepository("team-a", "team: a"));
        await env.Kubectl.ApplyAsync(SuspendedGitRepository("team-b", "team: b"));
        await env.Kubectl.ApplyAsync("""
            apiVersion: notification.toolkit.fluxcd.io/v1
            kind: Receiver
            metadata:
              name: github
              namespace: flux-system
            spec:
              type: github
              events: [ping, push]
              secretRef:
                name: webhook-token
              resources:
                - kind: GitRepository
                  name: "*"
                  matchLabels:
                    team: a
            """);
        var path = await WaitForWebhookPathAsync(env, "github");
        var body = """{"zen":"Keep it logically awesome."}"""u8.ToArray();
        using var ping = Post(body, ("X-Hub-Signature-256", Hmac256(Token, body)), ("X-GitHub-Event", "ping"));
        ping.RequestUri = new Uri(env.Nodes[0].WebhookUrl, path);
        using var answered = await Http.SendAsync(ping);
        Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
        Assert.NotEqual("", await env.Kubectl.JsonPathAsync("gitrepository/team-a", "flux-system", RequestedAt) ?? "");
        Assert.Equal("", await env.Kubectl.JsonPathAsync("gitrepository/team-b", "flux-system", RequestedAt) ?? "");
    }

    [Fact]
    public async Task ResourceFilter_SelectsTheResources_FromTheCallsBody_AndAnInvalidOneStalls()
    {
        await using var env = await TideEnvironment.StartAsync();
        await env.Kubectl.ApplyAsync(Manifests.FluxSystem);
        await env.Kubectl.ApplyAsync(TokenSecret("webhook-token", Token));
        await env.Kubectl.ApplyAsync(SuspendedGitRepository("app-a", "team: a"));
        await env.Kubectl.ApplyAsync(SuspendedGitRepository("app-b", "team: a"));
        await env.Kubectl.ApplyAsync("""
            apiVersion: notification.toolkit.fluxcd.io/v1
            kind: Receiver
            metadata: {name: filtered, namespace: flux-system}
            spec:
              type: generic
              secretRef: {name: webhook-token}
              resourceFilter: 'res.metadata.name == req.image'
              resources:
                - {kind: GitRepository, name: '*', matchLabels: {team: a}}
            ---
            apiVersion: notification.toolkit.fluxcd.io/v1
            kind: Receiver
            metadata: {name: invalid, namespace: flux-system}
            spec:
              type: generic
              secretRef: {name: webhook-token}
              resourceFilter: 'res.metadata.name =='
              resources:
                - {kind: GitRepository, name: app-a}
            """);
        var path = await WaitForWebhookPathAsync(env, "filtered");

        using var call = await Http.PostAsync(new Uri(env.Nodes[0].WebhookUrl, path),
            new StringContent("""{"image":"app-b"}""", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.OK, call.StatusCode);
        Assert.NotEqual("", await env.Kubectl.JsonPathAsync("gitrepository/app-b", "flux-system", RequestedAt) ?? "");
        Assert.Equal("", await env.Kubectl.JsonPathAsync("gitrepository/app-a", "flux-system", RequestedAt) ?? "");
        await Eventually.WaitAsync(
            () => env.Kubectl.JsonPathAsync("receiver/invalid", "flux-system", "{.status.conditions[?(@.type==\"Stalled\")].reason}"),
            reason => reason == "InvalidCELExpression", Timeout, "the Receiver with an invalid filter to stall");
    }

    [Fact]
    public async Task UnsupportedTypeOrMissingToken_IsReportedInStatus_AndTheWebhookIsNotServed()
    {
        await using var env = await TideEnvironment.StartAsync();
        await env.Kubectl.ApplyAsync(Manifests.FluxSystem);
        await env.Kubectl.ApplyAsync(TokenSecret("webhook-token", Token));
        await env.Kubectl.ApplyAsync(Receiver("gcr", "gcr", null, "anything"));
        await env.Kubectl.ApplyAsync(Receiver("no-token", "generic", null, "anything", secret: "missing"));

        await Eventually.WaitAsync(
            () => env.Kubectl.JsonPathAsync("receiver/gcr", "flux-system", "{.status.conditions[?(@.type==\"Stalled\")].message}"),
            message => message?.Contains("Receiver type 'gcr' is not supported by Tide") == true, Timeout, "the gcr Receiver to stall");
        Assert.Equal("False", await env.Kubectl.JsonPathAsync("receiver/gcr", "flux-system", "{.status.conditions[?(@.type==\"Ready\")].status}"));
        Assert.Equal("", await env.Kubectl.JsonPathAsync("receiver/gcr", "flux-system", "{.status.webhookPath}") ?? "");

        await Eventually.WaitAsync(
            () => env.Kubectl.JsonPathAsync("receiver/no-token", "flux-system", "{.status.conditions[?(@.type==\"Ready\")].reason}"),
            reason => reason == "TokenNotFound", Timeout, "the Receiver without its Secret to report TokenNotFound");
        Assert.Contains("flux-system/missing", await env.Kubectl.JsonPathAsync("receiver/no-token", "flux-system",
            "{.status.conditions[?(@.type==\"Ready\")].message}"));
    }

    [Fact]
    public async Task PushAnnouncedByAWebhook_IsAppliedWithoutWaitingForTheInterval()
    {
        await using var env = await TideEnvironment.StartAsync();
        var repo = await env.CreateRepositoryAsync("hooked");
        repo.Write("app/settings.yaml", Manifests.ConfigMap("default", "settings", "one"));
        var first = await repo.CommitAndPushAsync("first");
        await env.Kubectl.ApplyAsync(Manifests.FluxSystem);
        await env.Kubectl.ApplyAsync(TokenSecret("webhook-token", Token));
        // Hour-long intervals: only the webhook can explain that the second commit is applied within the test.
        await env.Kubectl.ApplyAsync(Manifests.GitRepository("hooked", env.Git.RepositoryUrl("hooked"), interval: "1h"));
        await env.Kubectl.ApplyAsync(Manifests.Kustomization("hooked", "hooked", "./app", interval: "1h"));
        await env.Kubectl.ApplyAsync(Receiver("hooked", "generic", null, "hooked"));
        await Eventually.WaitAsync(() => env.Kubectl.JsonPathAsync("kustomization/hooked", "flux-system", "{.status.lastAppliedRevision}"),
            revision => revision == $"main@sha1:{first}", Timeout, "the first commit to be applied");
        var path = await WaitForWebhookPathAsync(env, "hooked");

        repo.Write("app/settings.yaml", Manifests.ConfigMap("default", "settings", "two"));
        var second = await repo.CommitAndPushAsync("second");
        using var response = await Http.PostAsync(new Uri(env.Nodes[0].WebhookUrl, path), new StringContent("{}"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        await Eventually.WaitAsync(() => env.Kubectl.JsonPathAsync("kustomization/hooked", "flux-system", "{.status.lastAppliedRevision}"),
            revision => revision == $"main@sha1:{second}", Timeout, "the pushed commit to be applied");
        Assert.Equal("two", await env.Kubectl.JsonPathAsync("configmap/settings", "default", "{.data.value}"));
    }

    private static async Task<string> WaitForWebhookPathAsync(TideEnvironment env, string name) =>
        (await Eventually.WaitAsync(() => env.Kubectl.JsonPathAsync("receiver/" + name, "flux-system", "{.status.webhookPath}"),
            path => !string.IsNullOrEmpty(path), Timeout, $"Receiver {name}'s webhook path"))!;

    private static HttpRequestMessage Post(byte[] body, params (string Name, string Value)[] headers)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, (Uri?)null) { Content = new ByteArrayContent(body) };
        foreach (var (name, value) in headers)
            request.Headers.Add(name, value);
        return request;
    }

    private static string Hmac256(string key, byte[] body) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), body));

    private static string TokenSecret(string name, string token) => $"""
        apiVersion: v1
        kind: Secret
        metadata:
          name: {name}
          namespace: flux-system
        stringData:
          token: {token}
        """;

    private static string SuspendedGitRepository(string name, string labels = "{}") => $"""
        apiVersion: source.toolkit.fluxcd.io/v1
        kind: GitRepository
        metadata:
          name: {name}
          namespace: flux-system
          labels: {(labels == "{}" ? labels : "{" + labels + "}")}
        spec:
          url: https://git.invalid/{name}
          interval: 1h
          suspend: true
        """;

    private static string Receiver(string name, string type, string? events, string repository, string secret = "webhook-token") => $"""
        apiVersion: notification.toolkit.fluxcd.io/v1
        kind: Receiver
        metadata:
          name: {name}
          namespace: flux-system
        spec:
          type: {type}
          {(events is null ? "" : "events: " + events)}
          secretRef:
            name: {secret}
          resources:
            - kind: GitRepository
              name: {repository}
        """;
}
