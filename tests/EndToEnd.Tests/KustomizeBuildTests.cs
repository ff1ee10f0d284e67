using Tide.Testing;

namespace Tide.EndToEnd.Tests;

/// <summary>A path with a kustomization.yaml is built by the native kustomize engine, with kubectl kustomize's result.</summary>
public sealed class KustomizeBuildTests
{
    [Fact]
    public async Task Overlay_IsBuiltLikeKubectlKustomize_AndApplied()
    {
        await using var env = await TideEnvironment.StartAsync();
        var repo = await env.CreateRepositoryAsync("overlays");
        repo.Write("base/web.yaml", Manifests.Deployment("default", "web", 1));
        repo.Write("base/kustomization.yaml", "resources:\n- web.yaml\n");
        repo.Write("prod/kustomization.yaml", """
            namespace: default
            namePrefix: prod-
            resources:
            - ../base
            configMapGenerator:
            - name: settings
              literals:
              - mode=production
            replicas:
            - name: web
              count: 4
            """);
        var commit = await repo.CommitAndPushAsync("overlay");

        // The oracle: what the real kustomize makes of the same tree.
        var expected = await ProcessRunner.RunCheckedAsync("kubectl", ["kustomize", Path.Combine(repo.WorkPath, "prod")]);
        var generatedName = expected.Split('\n').Select(l => l.Trim())
            .First(l => l.StartsWith("name: prod-settings-", StringComparison.Ordinal))["name: ".Length..];

        await env.Kubectl.ApplyAsync(Manifests.FluxSystem);
        await env.Kubectl.ApplyAsync(Manifests.GitRepository("overlays", env.Git.RepositoryUrl("overlays")));
        await env.Kubectl.ApplyAsync(Manifests.Kustomization("prod", "overlays", "./prod"));
        await SingleNodeTests.WaitForAppliedRevisionAsync(env, "prod", $"main@sha1:{commit}");

        Assert.Equal("4", await env.Kubectl.JsonPathAsync("deployment/prod-web", "default", "{.spec.replicas}"));
        Assert.Equal("production", await env.Kubectl.JsonPathAsync("configmap/" + generatedName, "default", "{.data.mode}"));
    }

    [Fact]
    public async Task KustomizeError_IsBuildFailed_WithKustomizesMessage()
    {
        await using var env = await TideEnvironment.StartAsync();
        var repo = await env.CreateRepositoryAsync("broken");
        repo.Write("app/kustomization.yaml", "resources:\n- missing.yaml\n");
        await repo.CommitAndPushAsync("missing resource");
        await env.Kubectl.ApplyAsync(Manifests.FluxSystem);
        await env.Kubectl.ApplyAsync(Manifests.GitRepository("broken", env.Git.RepositoryUrl("broken")));
        await env.Kubectl.ApplyAsync(Manifests.Kustomization("broken", "broken", "./app"));

        var (_, message) = await Eventually.WaitAsync(async () =>
            (await env.Kubectl.JsonPathAsync("kustomization/broken", "flux-system", "{.status.conditions[?(@.type==\"Ready\")].reason}"),
             await env.Kubectl.JsonPathAsync("kustomization/broken", "flux-system", "{.status.conditions[?(@.type==\"Ready\")].message}")),
            s => s.Item1 == "BuildFailed", TimeSpan.FromSeconds(60), "the build failure to be reported");
        Assert.Contains("missing.yaml", message);
        Assert.StartsWith("kustomize build failed", message);
    }
    /// <summary>`tide kustomize` on hostile trees (issue 12): a one-line error and kubectl's exit code, at once. The alias
    /// bomb is left out here: kubectl itself never finishes it (Tide refuses it, see HostileInputTests).</summary>
    [Theory]
    [InlineData("deep", "exceeded max depth of 10000")]
    [InlineData("typo", "invalid Kustomization: json: unknown field \"namePrefx\"")]
    [InlineData("utf8", "invalid leading UTF-8 octet")]
    public async Task TideKustomize_RefusesHostileTrees_LikeKubectl(string tree, string message)
    {
        using var dir = new TempDirectory();
        const string head = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: hostile\ndata:\n";
        var root = dir.Write(tree + "/kustomization.yaml", "resources:\n- cm.yaml\n" + (tree == "typo" ? "namePrefx: x-\n" : ""));
        var manifest = Path.Combine(Path.GetDirectoryName(root)!, "cm.yaml");
        switch (tree)
        {
            case "deep":
                File.WriteAllText(manifest, head + "  x: " + new string('[', 10000) + new string(']', 10000) + "\n");
                break;
            case "utf8":
                File.WriteAllBytes(manifest, [.. System.Text.Encoding.UTF8.GetBytes(head + "  x: \"a"), 0xFF, .. "\"\n"u8]);
                break;
            default:
                File.WriteAllText(manifest, head);
                break;
        }
        var kubectl = await ProcessRunner.RunAsync("kubectl", ["kustomize", Path.GetDirectoryName(root)!]);
        var tide = await ProcessRunner.RunAsync("dotnet", [Path.Combine(AppContext.BaseDirectory, "tide.dll"), "kustomize", Path.GetDirectoryName(root)!]);

        Assert.NotEqual(0, kubectl.ExitCode);
        Assert.Equal(kubectl.ExitCode, tide.ExitCode);
        Assert.Equal("", tide.Stdout);
        var line = Assert.Single(tide.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: ", line);
        Assert.Contains(message, line);
    }
}
