using System.Text.Json.Nodes;
using Tide.Testing;

namespace Tide.EndToEnd.Tests;

/// <summary>Alerts and Providers on a running node: what the source and Kustomization reconcilers record reaches
/// a generic webhook and a GitHub commit status as notification-controller sends them; a Provider that fails is
/// retried and reported on its Alert while the node carries on, and the Provider's secrets appear nowhere.</summary>
public sealed class AlertTests
{
    private const string Token = "gh-s3cr3t-token";

    private static string Objects(string hookUrl) => $$"""
        apiVersion: v1
        kind: Secret
        metadata: {name: github-token, namespace: flux-system}
        stringData: {token: {{Token}}}
        ---
        apiVersion: notification.toolkit.fluxcd.io/v1beta3
        kind: Provider
        metadata: {name: webhook, namespace: flux-system}
        spec: {type: generic, address: "{{hookUrl}}/hook"}
        ---
        apiVersion: notification.toolkit.fluxcd.io/v1beta3
        kind: Provider
        metadata: {name: github, namespace: flux-system}
        spec: {type: github, address: "{{hookUrl}}/org/apps.git", secretRef: {name: github-token} }
        ---
        apiVersion: notification.toolkit.fluxcd.io/v1beta3
        kind: Alert
        metadata: {name: everything, namespace: flux-system}
        spec:
          providerRef: {name: webhook}
          eventSources: [{kind: GitRepository, name: '*'}, {kind: Kustomization, name: '*'}]
        ---
        apiVersion: notification.toolkit.fluxcd.io/v1beta3
        kind: Alert
        metadata: {name: commit-status, namespace: flux-system}
        spec:
          providerRef: {name: github}
          eventSources: [{kind: Kustomization, name: apps}]
        """;

    [Fact]
    public async Task ReconcilersEvents_ReachTheWebhook_AndTheCommitStatus()
    {
        await using var hook = RecordingHttpServer.Start();
        await using var env = await TideEnvironment.StartAsync();
        var repo = await env.CreateRepositoryAsync("apps");
        repo.Write("deploy/settings.yaml", Manifests.ConfigMap("default", "settings", "one"));
        var commit = await repo.CommitAndPushAsync("first");
        await env.Kubectl.ApplyAsync(Manifests.FluxSystem);
        await env.Kubectl.ApplyAsync(Objects(hook.Url));
        await env.Kubectl.ApplyAsync(Manifests.GitRepository("apps", env.Git.RepositoryUrl("apps"), interval: "1m"));
        await env.Kubectl.ApplyAsync(Manifests.Kustomization("apps", "apps", "./deploy"));

        var revision = $"main@sha1:{commit}";
        var received = new List<RecordedRequest>();
        // Requests arrive concurrently (one send per Alert): what one wait read past stays for the next.
        async Task<RecordedRequest> WaitForAsync(Func<RecordedRequest, bool> wanted)
        {
            if (received.FirstOrDefault(wanted) is { } earlier)
                return earlier;
            while (true)
            {
                var request = await hook.NextAsync(TimeSpan.FromSeconds(60));
                received.Add(request);
                if (wanted(request))
                    return request;
            }
        }
        static JsonNode Body(RecordedRequest r) => JsonNode.Parse(r.Body)!;

        var stored = Body(await WaitForAsync(r => r.Path == "/hook" && Body(r)["reason"]?.GetValue<string>() == "NewArtifact"));
        Assert.Equal("GitRepository", stored["involvedObject"]!["kind"]!.GetValue<string>());
        Assert.Equal("source-controller", stored["reportingController"]!.GetValue<string>());
        Assert.Equal("info", stored["severity"]!.GetValue<string>());
        // The digest is left out, as notification-controller's event server does; the revision stays, prefix stripped.
        Assert.Equal($$"""{"revision":"{{revision}}"}""", stored["metadata"]!.ToJsonString());

        var applied = Body(await WaitForAsync(r => r.Path == "/hook" && Body(r)["message"]?.GetValue<string>() == "ConfigMap/default/settings created"));
        Assert.Equal("kustomize-controller", applied["reportingController"]!.GetValue<string>());
        Assert.Equal("ReconciliationSucceeded", applied["reason"]!.GetValue<string>());
        Assert.Equal(revision, applied["metadata"]!["revision"]!.GetValue<string>());

        var status = await WaitForAsync(r => r.Method == "POST" && r.Path == $"/api/v3/repos/org/apps/statuses/{commit}");
        Assert.Equal("Bearer " + Token, status.Headers["Authorization"]);
        var uid = await env.Kubectl.JsonPathAsync("provider/github", "flux-system", "{.metadata.uid}");
        Assert.Equal($$"""{"state":"success","description":"reconciliation succeeded","context":"kustomization/apps/{{uid!.Split('-')[0]}}"}""",
            status.Body);
        // The generic webhook gets the commit status update too; the event itself is Flux's "Reconciliation finished".
        var finished = Body(await WaitForAsync(r => r.Path == "/hook" && Body(r)["message"]!.GetValue<string>().StartsWith("Reconciliation finished in ")));
        Assert.Equal("update", finished["metadata"]!["commit_status"]!.GetValue<string>());
    }

    [Fact]
    public async Task AFailingProvider_IsRetriedAndReported_AndTheNodeCarriesOn_WithoutLeakingItsSecret()
    {
        await using var hook = RecordingHttpServer.Start();
        hook.Respond = r => (500, "no: " + r.Headers["Authorization"]);
        await using var env = await TideEnvironment.StartAsync(extraConfig: """
            tide.notifications.retry-max = 2
            tide.notifications.retry-wait-min = 50ms
            tide.notifications.redelivery-interval = 1s
            """);
        var repo = await env.CreateRepositoryAsync("apps");
        repo.Write("deploy/settings.yaml", Manifests.ConfigMap("default", "settings", "one"));
        var first = await repo.CommitAndPushAsync("first");
        await env.Kubectl.ApplyAsync(Manifests.FluxSystem);
        await env.Kubectl.ApplyAsync(Objects(hook.Url));
        await env.Kubectl.ApplyAsync(Manifests.GitRepository("apps", env.Git.RepositoryUrl("apps")));
        await env.Kubectl.ApplyAsync(Manifests.Kustomization("apps", "apps", "./deploy"));

        var message = await Eventually.WaitAsync(
            () => env.Kubectl.JsonPathAsync("events", "flux-system",
                "{range .items[?(@.involvedObject.name==\"commit-status\")]}{.reason}: {.message}{\"\\n\"}{end}"),
            events => events?.Contains("giving up after") == true, TimeSpan.FromSeconds(60), "a dispatch failure on the Alert");
        Assert.Contains($"failed to send notification for Kustomization/flux-system/apps: postMessage failed: giving up after 3 attempt(s): " +
            "request failed with status code 500: no: Bearer *****", message);

        // The event stays in the outbox: once the Provider is back, the commit status is set after all.
        hook.Respond = _ => (200, "[]");
        await Eventually.WaitAsync(() => Task.FromResult(hook.All.Any(r => r.Method == "POST" &&
                r.Path == $"/api/v3/repos/org/apps/statuses/{first}")), posted => posted, TimeSpan.FromSeconds(60),
            "the missed commit status redelivered");
        await Eventually.WaitAsync(() => env.Kubectl.RunAsync("get", "events", "-A", "-l", "notification.tide.dev/pending=true", "-o",
                "jsonpath={range .items[*]}{.reason}/{.message}/{.metadata.annotations}/{.lastTimestamp}{\"\\n\"}{end}"),
            pending => pending.Trim().Length == 0, TimeSpan.FromSeconds(60), "the outbox emptied");
        hook.Respond = r => (500, "no: " + r.Headers["Authorization"]);

        // The node goes on: the next commit is applied while the Provider still fails.
        repo.Write("deploy/settings.yaml", Manifests.ConfigMap("default", "settings", "two"));
        var second = await repo.CommitAndPushAsync("second");
        await Eventually.WaitAsync(() => env.Kubectl.JsonPathAsync("kustomization/apps", "flux-system", "{.status.lastAppliedRevision}"),
            revision => revision == $"main@sha1:{second}", TimeSpan.FromSeconds(60), "the second commit applied");
        Assert.NotEqual(first, second);

        var everything = string.Join("\n", env.Progress) +
            await env.Kubectl.RunAsync("get", "events,kustomizations,gitrepositories,alerts,providers", "-A", "-o", "yaml");
        Assert.DoesNotContain(Token, everything);
    }
}
