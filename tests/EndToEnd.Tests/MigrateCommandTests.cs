using Tide.Testing;

namespace Tide.EndToEnd.Tests;

/// <summary>`tide migrate -f`: a repository's manifests in removed API versions rewritten to the current ones.</summary>
public sealed class MigrateCommandTests
{
    private const string Old = """
        apiVersion: helm.toolkit.fluxcd.io/v2beta1
        kind: HelmRelease
        metadata: {name: podinfo, namespace: apps}
        """;

    private static Task<ProcessRunner.Result> MigrateAsync(params string[] args) =>
        ProcessRunner.RunAsync("dotnet", [TideCli.Dll, "migrate", .. args]);

    [Fact]
    public async Task Migrate_RewritesRemovedVersions_DryRunWritesNothing_MissingPathFails()
    {
        using var repo = new TempDirectory();
        repo.Write("base/release.yaml", Old);
        repo.Write("base/notes.txt", Old);

        var dry = await MigrateAsync("-f", repo.Path, "--dry-run");
        Assert.Equal(0, dry.ExitCode);
        Assert.Contains("release.yaml:1: HelmRelease helm.toolkit.fluxcd.io/v2beta1 -> helm.toolkit.fluxcd.io/v2", dry.Stderr);
        Assert.Equal(Old, File.ReadAllText(repo.Combine("base", "release.yaml")));

        var run = await MigrateAsync("-f", repo.Path);
        Assert.Equal(0, run.ExitCode);
        Assert.Contains("✔ 1 file(s) migrated", run.Stderr);
        Assert.Equal(Old.Replace("v2beta1", "v2"), File.ReadAllText(repo.Combine("base", "release.yaml")));
        Assert.Equal(Old, File.ReadAllText(repo.Combine("base", "notes.txt")));

        var missing = await MigrateAsync("-f", repo.Combine("nowhere"));
        Assert.Equal(1, missing.ExitCode);
        Assert.Equal($"✗ path '{repo.Combine("nowhere")}' does not exist", missing.Stderr.Trim());
    }
}
