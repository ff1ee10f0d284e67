using Tide.Testing;

namespace Tide.EndToEnd.Tests;

/// <summary>
/// The daily verbs (`create`, `get`, `reconcile`, `suspend`, `resume`, `export`, `tree`, `trace`, `events`,
/// `build`, `diff`, `version`, `check`) as processes against the embedded API server, a Git server and a Tide node,
/// and the one-line errors and exit codes of bad input.
/// </summary>
public sealed class CliVerbTests
{
    [Fact]
    public async Task Verbs_CreateGetReconcileSuspendResumeExportTreeTraceEventsBuildDiffCheck()
    {
        await using var env = await TideEnvironment.StartAsync();
        var tide = new TideCli(env.Kubeconfig);
        await env.Kubectl.ApplyAsync(Manifests.FluxSystem);
        var repo = await env.CreateRepositoryAsync("site");
        repo.Write("deploy/settings.yaml", Manifests.ConfigMap("default", "settings", "one"));
        var first = await repo.CommitAndPushAsync("first");

        // create --export prints what flux prints: sorted keys, Go durations, only what was asked.
        var exported = await tide.RunOkAsync("create", "kustomization", "site", "--source", "GitRepository/site",
            "--path", "./deploy", "--prune", "--interval", "10m", "--export");
        Assert.Equal("""
            ---
            apiVersion: kustomize.toolkit.fluxcd.io/v1
            kind: Kustomization
            metadata:
              name: site
              namespace: flux-system
            spec:
              interval: 10m0s
              path: ./deploy
              prune: true
              sourceRef:
                kind: GitRepository
                name: site

            """.ReplaceLineEndings("\n"), exported);

        var created = await tide.RunOkAsync("create", "source", "git", "site", "--url", env.Git.RepositoryUrl("site"),
            "--branch", "main", "--interval", "1h");
        Assert.Contains($"fetched revision: main@sha1:{first}", created);
        created = await tide.RunOkAsync("create", "kustomization", "site", "--source", "GitRepository/site",
            "--path", "./deploy", "--prune", "--interval", "1h");
        Assert.Contains($"applied revision: main@sha1:{first}", created);
        Assert.Equal("one", await env.Kubectl.JsonPathAsync("configmap/settings", "default", "{.data.value}"));

        var git = TideCli.Rows((await tide.RunAsync("get", "sources", "git")).Stdout);
        Assert.Equal(["NAME", "REVISION", "SUSPENDED", "READY", "MESSAGE"], git[0]);
        Assert.Equal(["site", $"main@sha1:{first}", "False", "True"], git[1][..4]);
        var all = TideCli.Rows((await tide.RunAsync("get", "ks", "-A")).Stdout);
        Assert.Equal(["flux-system", "site", $"main@sha1:{first}", "False", "True", $"Applied revision: main@sha1:{first}"], all[1]);
        var everything = await tide.RunAsync("get", "all");
        Assert.Contains("gitrepository/site", everything.Stdout);
        Assert.Contains("kustomization/site", everything.Stdout);
        var failing = await tide.RunAsync("get", "all", "--status-selector", "ready=false");
        Assert.Equal((0, ""), (failing.ExitCode, failing.Stdout));

        // reconcile --with-source fetches the new commit (the interval is an hour) and applies it; events --watch
        // shows the Kustomization's event for it as it happens.
        var eventLines = new List<string>();
        using var eventWatch = tide.Start(eventLines, "events", "--for", "Kustomization/site", "--watch");
        repo.Write("deploy/settings.yaml", Manifests.ConfigMap("default", "settings", "two"));
        var second = await repo.CommitAndPushAsync("second");
        var reconciled = await tide.RunOkAsync("reconcile", "kustomization", "site", "--with-source");
        Assert.Contains($"✔ fetched revision main@sha1:{second}", reconciled);
        Assert.Contains($"✔ applied revision main@sha1:{second}", reconciled);
        Assert.Equal("two", await env.Kubectl.JsonPathAsync("configmap/settings", "default", "{.data.value}"));
        await Eventually.WaitAsync(() => { lock (eventLines) return Task.FromResult(eventLines.Any(l => l.Contains("Kustomization/site", StringComparison.Ordinal) && l.Contains("ConfigMap/default/settings configured", StringComparison.Ordinal))); },
            seen => seen, TimeSpan.FromSeconds(30), "the watched event");
        eventWatch.Kill();

        // get --watch prints a row for each change until it is stopped (SIGTERM ends it with 0).
        var watched = new List<string>();
        using (var watch = tide.Start(watched, "get", "ks", "--watch"))
        {
            int Rows() { lock (watched) return watched.Count(l => l.StartsWith("site ", StringComparison.Ordinal)); }
            await Eventually.WaitAsync(() => Task.FromResult(Rows()), n => n >= 1, TimeSpan.FromSeconds(30), "the watch's first row");
            await tide.RunOkAsync("reconcile", "ks", "site");
            await Eventually.WaitAsync(() => Task.FromResult(Rows()), n => n >= 2, TimeSpan.FromSeconds(30), "a row for the change");
            await ProcessRunner.RunCheckedAsync("kill", ["-TERM", watch.Id.ToString()]);
            await watch.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
            Assert.Equal(0, watch.ExitCode);
        }

        Assert.Contains("✔ kustomization suspended", await tide.RunOkAsync("suspend", "ks", "site"));
        Assert.Equal("True", TideCli.Rows((await tide.RunAsync("get", "ks")).Stdout)[1][2]);
        var refused = await tide.RunAsync("reconcile", "ks", "site");
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("is suspended", refused.Stderr);
        var resumed = await tide.RunOkAsync("resume", "ks", "--all");
        Assert.Contains($"✔ applied revision main@sha1:{second}", resumed);

        var export = await tide.RunOkAsync("export", "source", "git", "site");
        Assert.StartsWith("---\napiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\nmetadata:\n  name: site\n  namespace: flux-system\nspec:\n  interval: 1h0m0s\n", export);
        Assert.DoesNotContain("status:", export);

        var tree = await tide.RunOkAsync("tree", "ks", "site");
        Assert.Equal("Kustomization/flux-system/site\n└── ConfigMap/default/settings\n", tree);
        var trace = await tide.RunOkAsync("trace", "configmap", "settings", "-n", "default");
        Assert.Contains("Kustomization:  site", trace);
        Assert.Contains("GitRepository:  site", trace);
        Assert.Contains($"Revision:       main@sha1:{second}", trace);
        var events = await tide.RunOkAsync("events", "--for", "Kustomization/site");
        Assert.Contains("ConfigMap/default/settings configured", events);

        // build and diff read a local directory in place of the Kustomization's path.
        using var local = new TempDirectory("tide-cli-local-");
        File.WriteAllText(local.Combine("settings.yaml"), Manifests.ConfigMap("default", "settings", "two"));
        var built = await tide.RunOkAsync("build", "ks", "site", "--path", local.Path);
        Assert.Contains("kustomize.toolkit.fluxcd.io/name: site", built);
        Assert.Equal(0, (await tide.RunAsync("diff", "ks", "site", "--path", local.Path)).ExitCode);
        File.WriteAllText(local.Combine("settings.yaml"), Manifests.ConfigMap("default", "settings", "edited"));
        var diff = await tide.RunAsync("diff", "ks", "site", "--path", local.Path);
        Assert.Equal(1, diff.ExitCode);
        Assert.Contains("► ConfigMap/default/settings drifted\ndata.value\n  ± value change\n    - \"two\"\n    + \"edited\"", diff.Stdout);
        File.WriteAllText(local.Combine("settings.yaml"), Manifests.ConfigMap("default", "settings", "two"));
        Assert.Equal(0, (await tide.RunAsync("diff", "ks", "site", "--path", local.Path)).ExitCode);

        var version = await tide.RunOkAsync("version");
        Assert.Contains("server: v", version);
        await Eventually.WaitAsync(() => tide.RunAsync("check"), r => r.ExitCode == 0, TimeSpan.FromSeconds(30), "tide check to pass");
        Assert.Contains($"node {env.Nodes[0].Node.Address}", await tide.RunOkAsync("version"));
    }

    [Fact]
    public async Task CreateExport_PrintsWhatFluxPrints_WithoutACluster()
    {
        static async Task<string> ExportAsync(params string[] args) =>
            await ProcessRunner.RunCheckedAsync("dotnet", [TideCli.Dll, "create", .. args, "--export"]);

        Assert.Equal("""
            ---
            apiVersion: helm.toolkit.fluxcd.io/v2
            kind: HelmRelease
            metadata:
              name: podinfo
              namespace: flux-system
            spec:
              chart:
                spec:
                  chart: podinfo
                  reconcileStrategy: ChartVersion
                  sourceRef:
                    kind: HelmRepository
                    name: podinfo
                  version: '>=4.0.0'
              interval: 1m0s

            """.ReplaceLineEndings("\n"),
            await ExportAsync("helmrelease", "podinfo", "--source", "HelmRepository/podinfo", "--chart", "podinfo", "--chart-version", ">=4.0.0"));
        Assert.Equal("""
            ---
            apiVersion: source.toolkit.fluxcd.io/v1
            kind: HelmRepository
            metadata:
              name: podinfo
              namespace: apps
            spec:
              interval: 10m0s
              type: oci
              url: oci://registry.example.com/charts

            """.ReplaceLineEndings("\n"),
            await ExportAsync("source", "helm", "podinfo", "--url", "oci://registry.example.com/charts", "--interval", "10m", "-n", "apps"));
        Assert.Equal("""
            ---
            apiVersion: source.toolkit.fluxcd.io/v1
            kind: OCIRepository
            metadata:
              labels:
                team: web
              name: podinfo
              namespace: flux-system
            spec:
              interval: 1m0s
              ref:
                tag: 6.6.2
              url: oci://registry.example.com/manifests/podinfo

            """.ReplaceLineEndings("\n"),
            await ExportAsync("source", "oci", "podinfo", "--url", "oci://registry.example.com/manifests/podinfo", "--tag", "6.6.2", "--label", "team=web"));
    }

    [Fact]
    public async Task BadInput_IsOneLineWithItsExitCode()
    {
        await using var api = await Tide.ApiServer.ApiServerHost.StartAsync(new Tide.ApiServer.ApiServerOptions());
        using var dir = new TempDirectory("tide-cli-bad-");
        var kubeconfig = api.WriteKubeconfig(dir.Combine("kubeconfig"));
        var tide = new TideCli(kubeconfig);

        var usage = await tide.RunAsync("get", "sources", "svn");
        Assert.Equal(2, usage.ExitCode);
        Assert.StartsWith("✗ ", usage.Stderr);
        var both = await tide.RunAsync("suspend", "ks", "site", "--all");
        Assert.Equal(2, both.ExitCode);

        Assert.Equal(0, (await tide.RunAsync("check", "--pre")).ExitCode);
        var check = await tide.RunAsync("check");
        Assert.Equal(1, check.ExitCode);
        Assert.Contains("✗ kustomizations.kustomize.toolkit.fluxcd.io: not installed (run `tide install`)", check.Stderr);
        Assert.EndsWith("✗ check failed\n", check.Stderr);
        Assert.StartsWith("tide: v", (await ProcessRunner.RunCheckedAsync("dotnet", [TideCli.Dll, "version", "--client"])));

        await new Kubectl(kubeconfig).RunAsync("create", "configmap", "handmade", "-n", "default");
        var unmanaged = await tide.RunAsync("trace", "cm", "handmade", "-n", "default");
        Assert.Equal((1, "✗ ConfigMap/default/handmade is not managed by Flux (no kustomize.toolkit.fluxcd.io/name or helm.toolkit.fluxcd.io/name label)\n"),
            (unmanaged.ExitCode, unmanaged.Stderr));
        var unknownKind = await tide.RunAsync("trace", "widgets", "w", "-n", "default");
        Assert.Equal((1, "✗ the server doesn't have a resource type \"widgets\"\n"), (unknownKind.ExitCode, unknownKind.Stderr));

        var notServed = await tide.RunAsync("get", "ks");
        Assert.Equal(1, notServed.ExitCode);
        Assert.Contains("does not serve Kustomization", notServed.Stderr);

        // The CLI's own kubeconfig reading: HTTPS with the server's CA and a bearer token (required with TLS).
        await using (var tls = await Tide.ApiServer.ApiServerHost.StartAsync(new Tide.ApiServer.ApiServerOptions { Tls = true }))
        {
            var secure = await new TideCli(tls.WriteKubeconfig(dir.Combine("tls-kubeconfig"))).RunAsync("get", "ks");
            Assert.Equal((1, "✗ the cluster does not serve Kustomization (kustomize.toolkit.fluxcd.io/v1): run `tide install` or `tide check`\n"),
                (secure.ExitCode, secure.Stderr));
        }

        await ProcessRunner.RunCheckedAsync("dotnet", [TideCli.Dll, "crds"]).ContinueWith(async t =>
            await new Kubectl(kubeconfig).ApplyAsync(await t)).Unwrap();
        var missing = await tide.RunAsync("reconcile", "source", "git", "nope");
        Assert.Equal((1, "✗ GitRepository 'flux-system/nope' not found\n"), (missing.ExitCode, missing.Stderr));

        var port = FreePort.Next();
        File.WriteAllText(dir.Combine("away"), File.ReadAllText(kubeconfig).Replace(api.Url.GetLeftPart(UriPartial.Authority), $"http://127.0.0.1:{port}"));
        var away = await ProcessRunner.RunAsync("dotnet", [TideCli.Dll, "get", "ks", "--kubeconfig", dir.Combine("away")]);
        Assert.Equal(1, away.ExitCode);
        Assert.StartsWith("✗ cannot reach the API server", away.Stderr);
        Assert.Single(away.Stderr.Trim().Split('\n'));
    }
}
