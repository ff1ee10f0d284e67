using System.Text.RegularExpressions;
using Tide.Testing;

namespace Tide.EndToEnd.Tests;

/// <summary>`tide logs` as a process against a running node: the records it reads from the node (found through its
/// Lease), in flux logs' shape, filtered by kind, name, level and namespace, cut by --tail, and followed.</summary>
public sealed class LogsCommandTests
{
    [Fact]
    public async Task Logs_ShowTheNodesRecords_FilteredAndFollowed()
    {
        await using var env = await TideEnvironment.StartAsync();
        var repo = await env.CreateRepositoryAsync("apps");
        repo.Write("deploy/settings.yaml", Manifests.ConfigMap("default", "settings", "one"));
        var commit = await repo.CommitAndPushAsync("first");
        await env.Kubectl.ApplyAsync(Manifests.FluxSystem);
        await env.Kubectl.ApplyAsync(Manifests.GitRepository("apps", env.Git.RepositoryUrl("apps"), interval: "1h"));
        await env.Kubectl.ApplyAsync(Manifests.Kustomization("apps", "apps", "./deploy", interval: "1h"));
        await env.Kubectl.ApplyAsync(Manifests.Kustomization("broken", "apps", "./missing", interval: "1h"));
        await Eventually.WaitAsync(() => env.Kubectl.JsonPathAsync("kustomization/apps", "flux-system", "{.status.lastAppliedRevision}"),
            revision => revision == $"main@sha1:{commit}", TimeSpan.FromSeconds(60), "the commit applied");
        var tide = new TideCli(env.Kubeconfig);

        var apps = await Eventually.WaitAsync(async () => (await tide.RunAsync("logs", "--kind", "kustomization", "--name", "apps", "--level", "info")).Stdout,
            output => output.Contains("Reconciliation finished"), TimeSpan.FromSeconds(30), "the Kustomization's record");
        var line = Assert.Single(apps.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Matches(new Regex(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z info Kustomization/apps\.flux-system - Reconciliation finished in \S+$"), line);

        var errors = await Eventually.WaitAsync(async () => (await tide.RunAsync("logs", "--level", "error")).Stdout,
            output => output.Contains("Kustomization/broken.flux-system - Reconciliation failed after"), TimeSpan.FromSeconds(30),
            "the broken Kustomization's error record");
        Assert.All(errors.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => Assert.Contains(" error ", l));
        Assert.Contains("kustomization path not found", errors);
        Assert.Equal("", (await tide.RunAsync("logs", "-n", "elsewhere")).Stdout);
        var source = (await tide.RunAsync("logs", "--kind", "GitRepository", "--tail", "1")).Stdout;
        Assert.Contains(" info GitRepository/apps.flux-system - Reconciliation finished in ", Assert.Single(source.Split('\n', StringSplitOptions.RemoveEmptyEntries)));

        // --follow prints what comes next: a reconcile asked for now.
        var followed = new List<string>();
        using var process = tide.Start(followed, "logs", "--kind", "Kustomization", "--name", "apps", "--follow", "--tail", "0");
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(3));
            await env.Kubectl.RunAsync("annotate", "--overwrite", "kustomization/apps", "-n", "flux-system",
                $"reconcile.fluxcd.io/requestedAt={DateTime.UtcNow:O}");
            await Eventually.WaitAsync(() =>
                {
                    lock (followed)
                        return Task.FromResult(followed.Count(l => l.Contains("Kustomization/apps.flux-system - Reconciliation finished")));
                }, count => count >= 1, TimeSpan.FromSeconds(30), "the followed record");
        }
        finally
        {
            process.Kill(entireProcessTree: true);
        }
    }

    [Fact]
    public async Task Logs_WithoutARunningNode_SaysSoInOneLine()
    {
        await using var env = await TideEnvironment.StartAsync(nodes: 0);
        await env.Kubectl.ApplyAsync(Manifests.FluxSystem);

        var result = await new TideCli(env.Kubeconfig).RunAsync("logs");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("✗ no running Tide node serving its logs found in namespace 'flux-system'", result.Stderr.Trim());
    }
}
