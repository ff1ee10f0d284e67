using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using Tide.ApiServer;
using Tide.ApiServer.Http;
using Tide.Testing;

namespace Tide.EndToEnd.Tests;

/// <summary>
/// The web UI in a real browser (Debian's Chromium through Playwright) against a Tide node, the embedded API server
/// and a Git server: failing objects first, revisions arriving live, the reconcile button, and RBAC's refusal for a
/// user without rights. Screenshots are saved to <see cref="Chromium.ScreenshotDirectory"/>.
/// </summary>
public sealed class WebUiTests(Chromium chromium) : IClassFixture<Chromium>
{
    private static readonly TimeSpan Slow = TimeSpan.FromSeconds(60);

    /// <summary>A node whose UI acts with Tide's identity (as under `tide up`), or as the token's user.</summary>
    private static Task<TideEnvironment> StartAsync(bool impersonate, ApiServerOptions? apiServer = null) =>
        TideEnvironment.StartAsync(extraConfig: $"tide.ui.enabled = on\ntide.ui.impersonate = {(impersonate ? "on" : "off")}", apiServer: apiServer);

    /// <summary>A GitRepository "site" and a Kustomization "apps" applying it, Ready at the first commit.</summary>
    private static async Task<(GitWorkingCopy Repo, string Commit)> SiteAsync(TideEnvironment env)
    {
        await env.Kubectl.ApplyAsync(Manifests.FluxSystem);
        var repo = await env.CreateRepositoryAsync("site");
        repo.Write("apps/settings.yaml", Manifests.ConfigMap("default", "settings", "one"));
        var commit = await repo.CommitAndPushAsync("first");
        await env.Kubectl.ApplyAsync(Manifests.GitRepository("site", env.Git.RepositoryUrl("site")));
        await env.Kubectl.ApplyAsync(Manifests.Kustomization("apps", "site", "./apps"));
        await AppliedAsync(env, "apps", commit);
        return (repo, commit);
    }

    private static Task<string?> AppliedAsync(TideEnvironment env, string name, string commit) => Eventually.WaitAsync(
        () => env.Kubectl.JsonPathAsync("kustomization/" + name, "flux-system", "{.status.lastAppliedRevision}"),
        r => r == $"main@sha1:{commit}", Slow, $"Kustomization {name} to apply {commit}");

    private static string ObjectUrl(TideEnvironment env, string kind, string name) =>
        $"{env.Nodes[0].UiUrl}#/objects/{kind}/flux-system/{name}";

    [Fact]
    public async Task Overview_ListsTheFailingKustomizationFirst_WithItsMessage()
    {
        await using var env = await StartAsync(impersonate: false);
        await SiteAsync(env);
        await env.Kubectl.ApplyAsync(Manifests.Kustomization("broken", "site", "./missing"));
        var message = await Eventually.WaitAsync(async () =>
                await env.Kubectl.JsonPathAsync("kustomization/broken", "flux-system", "{.status.conditions[?(@.type==\"Ready\")].status}") == "False"
                    ? await env.Kubectl.JsonPathAsync("kustomization/broken", "flux-system", "{.status.conditions[?(@.type==\"Ready\")].message}")
                    : null,
            m => m is not null, Slow, "Kustomization broken to fail");

        var page = await chromium.NewPageAsync();
        await page.GotoAsync(env.Nodes[0].UiUrl!.ToString());

        var first = page.Locator("#attention tbody tr").First;
        await Assertions.Expect(first.Locator("td[data-label=Kind]")).ToHaveTextAsync("Kustomization");
        await Assertions.Expect(first.Locator("td[data-label=Name]")).ToHaveTextAsync("broken");
        await Assertions.Expect(first.Locator("td[data-label=Ready]")).ToHaveTextAsync("Failed");
        await Assertions.Expect(first.Locator("td[data-label=Message]")).ToHaveTextAsync(message!);
        await Assertions.Expect(page.Locator("#attention tbody tr")).ToHaveCountAsync(3);
        await Chromium.ScreenshotAsync(page, "overview");

        // The counts follow the cluster without a reload: a Kustomization suspended with kubectl is counted at once.
        var suspended = page.Locator(".counts tbody tr", new() { HasText = "Kustomization" }).Locator("td[data-label=suspended]");
        await Assertions.Expect(suspended).ToHaveTextAsync("0");
        await env.Kubectl.RunAsync("patch", "kustomization/apps", "-n", "flux-system", "--type=merge", "-p", """{"spec":{"suspend":true}}""");
        await Assertions.Expect(suspended).ToHaveTextAsync("1", new LocatorAssertionsToHaveTextOptions { Timeout = 1000 });

        // The list of one kind filters by state, and reads on a phone.
        var phone = await chromium.NewPageAsync(phone: true);
        await phone.GotoAsync($"{env.Nodes[0].UiUrl}#/kinds/Kustomization");
        await phone.GetByLabel("State").SelectOptionAsync("failed");
        await Assertions.Expect(phone.Locator("table.rows tbody tr")).ToHaveCountAsync(1);
        await Assertions.Expect(phone.Locator("table.rows tbody td[data-label=Name]")).ToHaveTextAsync("broken");
        await Chromium.ScreenshotAsync(phone, "kustomizations-failed-phone");

        // A deleted object leaves the page once the API server has deleted it (after Tide's finalizer).
        await env.Kubectl.RunAsync("delete", "kustomization/broken", "-n", "flux-system", "--wait=false");
        await Assertions.Expect(page.Locator("#attention tbody tr")).ToHaveCountAsync(2, new LocatorAssertionsToHaveCountOptions { Timeout = 30_000 });
        await Assertions.Expect(page.Locator("#attention tbody td[data-label=Name]", new() { HasText = "broken" })).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task ObjectPage_ShowsANewCommitsRevision_WithoutReload_WithinASecondOfTheStatus()
    {
        await using var env = await StartAsync(impersonate: false);
        var (repo, first) = await SiteAsync(env);
        var page = await chromium.NewPageAsync();
        await page.GotoAsync(ObjectUrl(env, "Kustomization", "apps"));
        await Assertions.Expect(page.Locator("#row-revision")).ToHaveTextAsync($"main@sha1:{first}");
        await Assertions.Expect(page.Locator("ul.tree")).ToContainTextAsync("ConfigMap/default/settings");
        await page.EvaluateAsync("window.loadedOnce = true");

        repo.Write("apps/settings.yaml", Manifests.ConfigMap("default", "settings", "two"));
        var second = await repo.CommitAndPushAsync("second");
        await AppliedAsync(env, "apps", second);
        await Assertions.Expect(page.Locator("#row-revision")).ToHaveTextAsync($"main@sha1:{second}",
            new LocatorAssertionsToHaveTextOptions { Timeout = 1000 });
        Assert.True(await page.EvaluateAsync<bool>("window.loadedOnce === true"), "the page was reloaded");
        await Assertions.Expect(page.Locator("#revision")).ToHaveTextAsync($"main@sha1:{second}");
        await Chromium.ScreenshotAsync(page, "kustomization-new-revision");
    }

    [Fact]
    public async Task ReconcileButton_SetsRequestedAt_AndThePageShowsTheHandledResult()
    {
        await using var env = await StartAsync(impersonate: false);
        var (_, commit) = await SiteAsync(env);
        var page = await chromium.NewPageAsync();
        await page.GotoAsync(ObjectUrl(env, "Kustomization", "apps"));

        await page.GetByRole(AriaRole.Button, new() { Name = "Reconcile", Exact = true }).ClickAsync();

        await Assertions.Expect(page.Locator("#result")).ToHaveTextAsync($"Reconciled: Applied revision: main@sha1:{commit} (revision main@sha1:{commit})",
            new LocatorAssertionsToHaveTextOptions { Timeout = 30_000 });
        var requestedAt = await RequestedAtAsync(env);
        Assert.False(string.IsNullOrEmpty(requestedAt));
        Assert.Equal(requestedAt, await env.Kubectl.JsonPathAsync("kustomization/apps", "flux-system", "{.status.lastHandledReconcileAt}"));
        await Assertions.Expect(page.Locator("#requested-at")).ToHaveTextAsync(requestedAt!);
        await Assertions.Expect(page.Locator("#handled-at")).ToHaveTextAsync(requestedAt!);
        var build = page.Locator("section[aria-labelledby=s-hist] tbody tr").First;
        await Assertions.Expect(build.Locator("td[data-label=Revision]")).ToHaveTextAsync($"main@sha1:{commit}");
        await Assertions.Expect(build.Locator("td[data-label='Last status']")).ToHaveTextAsync("ReconciliationSucceeded");
        await Chromium.ScreenshotAsync(page, "kustomization-reconciled");

        // With its source: the GitRepository is asked first, and both report the request handled.
        await page.GetByRole(AriaRole.Button, new() { Name = "Reconcile with source" }).ClickAsync();
        await Assertions.Expect(page.Locator("#result")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^Reconciled: "),
            new LocatorAssertionsToHaveTextOptions { Timeout = 30_000 });
        var sourceRequested = await env.Kubectl.JsonPathAsync("gitrepository/site", "flux-system", "{.metadata.annotations.reconcile\\.fluxcd\\.io/requestedAt}");
        Assert.False(string.IsNullOrEmpty(sourceRequested));
        await Eventually.WaitAsync(() => env.Kubectl.JsonPathAsync("gitrepository/site", "flux-system", "{.status.lastHandledReconcileAt}"),
            handled => handled == sourceRequested, Slow, "the GitRepository to handle the request");

        // Suspend and resume by the same buttons: spec.suspend follows.
        await page.GetByRole(AriaRole.Button, new() { Name = "Suspend" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Resume" })).ToBeVisibleAsync();
        Assert.Equal("true", await env.Kubectl.JsonPathAsync("kustomization/apps", "flux-system", "{.spec.suspend}"));
        await page.GetByRole(AriaRole.Button, new() { Name = "Resume" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Suspend" })).ToBeVisibleAsync();
        Assert.Equal("false", await env.Kubectl.JsonPathAsync("kustomization/apps", "flux-system", "{.spec.suspend}"));
    }

    [Fact]
    public async Task UserWithoutPatchRights_SeesTheApiServersRefusal_AndAUserWithThemReconciles()
    {
        await using var env = await StartAsync(impersonate: true, new ApiServerOptions
        {
            WorkloadDelay = TimeSpan.FromMilliseconds(200),
            Users = new Dictionary<string, RequestUser>
            {
                ["viewer-token"] = new("viewer", []),
                ["operator-token"] = new("operator", []),
            },
        });
        var (_, commit) = await SiteAsync(env);
        await env.Kubectl.ApplyAsync(Rbac("viewer", ["get", "list", "watch"]));
        await env.Kubectl.ApplyAsync(Rbac("operator", ["get", "list", "watch", "patch"]));
        var page = await chromium.NewPageAsync();
        await page.GotoAsync(ObjectUrl(env, "Kustomization", "apps"));
        var reconcile = page.GetByRole(AriaRole.Button, new() { Name = "Reconcile", Exact = true });

        // No token: the UI asks for one.
        await reconcile.ClickAsync();
        await Assertions.Expect(page.Locator("#result")).ToContainTextAsync("log in");
        await page.GetByLabel("Bearer token").FillAsync("viewer-token");
        await page.GetByRole(AriaRole.Button, new() { Name = "Use this token" }).ClickAsync();

        await reconcile.ClickAsync();
        await Assertions.Expect(page.Locator("#result")).ToHaveTextAsync("Refused: kustomizations.kustomize.toolkit.fluxcd.io \"apps\" is forbidden: " +
            "User \"viewer\" cannot patch resource \"kustomizations\" in API group \"kustomize.toolkit.fluxcd.io\" in the namespace \"flux-system\"");
        await Assertions.Expect(page.Locator("#result")).ToHaveAttributeAsync("role", "alert");
        Assert.True(string.IsNullOrEmpty(await RequestedAtAsync(env)), "the refused request annotated the Kustomization");
        await Chromium.ScreenshotAsync(page, "kustomization-refused");

        // RBAC decides, not the UI: a user who may patch reconciles through the same button.
        await page.EvaluateAsync("sessionStorage.setItem('tide.token', 'operator-token')");
        await reconcile.ClickAsync();
        await Assertions.Expect(page.Locator("#result")).ToHaveTextAsync($"Reconciled: Applied revision: main@sha1:{commit} (revision main@sha1:{commit})",
            new LocatorAssertionsToHaveTextOptions { Timeout = 30_000 });
        Assert.False(string.IsNullOrEmpty(await RequestedAtAsync(env)));
    }

    private static Task<string?> RequestedAtAsync(TideEnvironment env) =>
        env.Kubectl.JsonPathAsync("kustomization/apps", "flux-system", "{.metadata.annotations.reconcile\\.fluxcd\\.io/requestedAt}");

    [Fact]
    public async Task ObjectPage_ExpandsNestedKustomizations_NamesTheSourcesConsumersAndDependsOn_ClusterPageCountsEntities_AndAxeFindsNoViolation()
    {
        await using var env = await StartAsync(impersonate: false);
        var (repo, _) = await SiteAsync(env);
        // "root" applies the Kustomization "child", which applies a ConfigMap once "apps" is Ready.
        repo.Write("child/settings.yaml", Manifests.ConfigMap("default", "child-settings", "one"));
        repo.Write("clusters/child.yaml", Manifests.Kustomization("child", "site", "./child") + """
              dependsOn:
              - name: apps
            """);
        var commit = await repo.CommitAndPushAsync("nested");
        await env.Kubectl.ApplyAsync(Manifests.Kustomization("root", "site", "./clusters"));
        await AppliedAsync(env, "root", commit);
        await AppliedAsync(env, "child", commit);

        var page = await chromium.NewPageAsync();
        await page.GotoAsync(ObjectUrl(env, "Kustomization", "root"));
        var child = page.Locator("ul.tree > li", new() { HasText = "Kustomization/flux-system/child" });
        await Assertions.Expect(child.Locator("ul li")).ToHaveTextAsync("ConfigMap/default/child-settings");
        await Assertions.Expect(page.Locator("section[aria-labelledby=s-src]")).ToContainTextAsync("GitRepository flux-system/site");
        await Assertions.Expect(page.Locator("section[aria-labelledby=s-cons] li")).ToHaveTextAsync([new System.Text.RegularExpressions.Regex("^Kustomization flux-system/apps"),
            new System.Text.RegularExpressions.Regex("^Kustomization flux-system/child")]);
        await Chromium.ScreenshotAsync(page, "kustomization-tree");
        await NoAxeViolationsAsync(page, "the object page");
        var phone = await chromium.NewPageAsync(phone: true);
        await phone.GotoAsync(ObjectUrl(env, "Kustomization", "root"));
        await Assertions.Expect(phone.Locator("ul.tree")).ToContainTextAsync("ConfigMap/default/child-settings");
        await Chromium.ScreenshotAsync(phone, "kustomization-tree-phone");
        Assert.True(await phone.EvaluateAsync<bool>("document.documentElement.scrollWidth <= window.innerWidth"),
            "the object page is wider than a phone's screen");

        await child.Locator("a").First.ClickAsync();
        await Assertions.Expect(page.Locator("h1")).ToContainTextAsync("child");
        await Assertions.Expect(page.Locator("section[aria-labelledby=s-dep] ul").First).ToContainTextAsync("Kustomization flux-system/apps Ready");

        await page.GotoAsync($"{env.Nodes[0].UiUrl}#/cluster");
        var node = page.Locator("#cluster tbody tr");
        await Assertions.Expect(node).ToHaveCountAsync(1);
        await Assertions.Expect(node.Locator("td[data-label=Status]")).ToHaveTextAsync("Up");
        await Assertions.Expect(node.Locator("td[data-label=Kustomization]")).ToHaveTextAsync("3");
        await Assertions.Expect(node.Locator("td[data-label=GitRepository]")).ToHaveTextAsync("1");
        await NoAxeViolationsAsync(page, "the cluster page");

        await page.GotoAsync($"{env.Nodes[0].UiUrl}#/kinds/Kustomization");
        await Assertions.Expect(page.Locator("table.objects tbody tr")).ToHaveCountAsync(3);
        await NoAxeViolationsAsync(page, "the Kustomization list");
        await page.GotoAsync(env.Nodes[0].UiUrl!.ToString());
        await Assertions.Expect(page.Locator("#attention tbody tr")).ToHaveCountAsync(4);
        await NoAxeViolationsAsync(page, "the overview");
        await page.EmulateMediaAsync(new PageEmulateMediaOptions { ColorScheme = ColorScheme.Dark });
        await NoAxeViolationsAsync(page, "the overview in dark mode");
        await page.EmulateMediaAsync(new PageEmulateMediaOptions { ColorScheme = ColorScheme.Light });

        // Keyboard: the first Tab reaches the skip link, which moves focus to the page's content.
        await page.Keyboard.PressAsync("Tab");
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Skip to content" })).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.Locator("main")).ToBeFocusedAsync();
    }

    [Fact]
    public async Task Actions_AreRefusedWithoutTheActionHeader_OrForAnotherSitesHostName_WhenNoLoginIsAsked()
    {
        await using var env = await StartAsync(impersonate: false);
        await SiteAsync(env);
        using var http = new HttpClient { BaseAddress = env.Nodes[0].UiUrl };
        async Task<(int Status, string Body)> PostAsync(string? host, bool header)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/objects/Kustomization/flux-system/apps/suspend");
            if (host is not null)
                request.Headers.Host = host;
            if (header)
                request.Headers.Add("X-Tide-Action", "1");
            using var response = await http.SendAsync(request);
            return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
        }

        Assert.Equal((400, """{"message":"an action needs the X-Tide-Action header"}"""), await PostAsync(null, header: false));
        Assert.Equal(403, (await PostAsync("tide.attacker.example", header: true)).Status);
        Assert.Equal("false", await env.Kubectl.JsonPathAsync("kustomization/apps", "flux-system", "{.spec.suspend}"));
        Assert.Equal(202, (await PostAsync(null, header: true)).Status);
        Assert.Equal("true", await env.Kubectl.JsonPathAsync("kustomization/apps", "flux-system", "{.spec.suspend}"));
    }

    /// <summary>axe-core's WCAG 2 A/AA rules (contrast, names, labels, roles) on the page as it is now.</summary>
    private static async Task NoAxeViolationsAsync(IPage page, string what)
    {
        var results = await page.RunAxe(new Deque.AxeCore.Commons.AxeRunOptions
        {
            RunOnly = new Deque.AxeCore.Commons.RunOnlyOptions { Type = "tag", Values = ["wcag2a", "wcag2aa", "wcag21aa"] },
        });
        Assert.NotEmpty(results.Passes);
        Assert.True(results.Violations.Length == 0, $"{what}: " + string.Join("; ", results.Violations.Select(v =>
            $"{v.Id} ({v.Help}): {string.Join(", ", v.Nodes.Select(n => string.Join(" ", n.Target)))}")));
    }

    /// <summary>A ClusterRole with these verbs on Flux's sources and Kustomizations, bound to the user.</summary>
    private static string Rbac(string user, string[] verbs) => $"""
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRole
        metadata:
          name: flux-{user}
        rules:
        - apiGroups: [kustomize.toolkit.fluxcd.io, source.toolkit.fluxcd.io]
          resources: [kustomizations, gitrepositories]
          verbs: [{string.Join(", ", verbs)}]
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRoleBinding
        metadata:
          name: flux-{user}
        roleRef:
          apiGroup: rbac.authorization.k8s.io
          kind: ClusterRole
          name: flux-{user}
        subjects:
        - apiGroup: rbac.authorization.k8s.io
          kind: User
          name: {user}
        """;
}
