using Microsoft.Extensions.Logging;
using Tide.Host.Logging;
using Tide.Testing;

namespace Tide.EndToEnd.Tests;

/// <summary>The drift watcher (a cluster singleton reached through a proxy) on a node set up as `tide run` sets one
/// up: it reverts a hand edit at once while the Kustomization's interval is an hour, and the node never warns that
/// the proxy cannot find the singleton (Akka.NET's check would at every start and stop).</summary>
public sealed class DriftWatchTests
{
    private const string MissingSingleton = "failed to find an associated singleton";

    [Fact]
    public async Task HandEdit_IsRevertedByTheWatch_WithAnHourInterval_AndNoMissingSingletonWarning()
    {
        var lines = new StringWriter();
        var settings = LogSettings.Parse("info", "console").Settings!;
        using (var logging = LoggerFactory.Create(b => b.AddProvider(new LineLoggerProvider(settings, lines))))
        {
            await using (var env = await TideEnvironment.StartAsync(logging: logging))
            {
                var repo = await env.CreateRepositoryAsync("watched");
                repo.Write("app/settings.yaml", Manifests.ConfigMap("default", "settings", "one"));
                var commit = await repo.CommitAndPushAsync("first");
                await env.Kubectl.ApplyAsync(Manifests.FluxSystem);
                await env.Kubectl.ApplyAsync(Manifests.GitRepository("watched", env.Git.RepositoryUrl("watched"), interval: "1h"));
                await env.Kubectl.ApplyAsync(Manifests.Kustomization("watched", "watched", "./app", interval: "1h"));
                await SingleNodeTests.WaitForAppliedRevisionAsync(env, "watched", $"main@sha1:{commit}");

                await env.Kubectl.RunAsync("patch", "configmap/settings", "-n", "default", "--type=merge",
                    "-p", "{\"data\":{\"value\":\"edited\"}}");
                await Eventually.WaitAsync(() => env.Kubectl.JsonPathAsync("configmap/settings", "default", "{.data.value}"),
                    value => value == "one", TimeSpan.FromSeconds(15), "the watch to revert the hand edit");
            }
        }
        // Read once the node and its loggers are gone: nothing writes any more.
        Assert.DoesNotContain(MissingSingleton, lines.ToString());
    }
}
