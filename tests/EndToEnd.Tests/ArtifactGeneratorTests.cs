using System.Text.Json.Nodes;
using Tide.Testing;

namespace Tide.EndToEnd.Tests;

/// <summary>
/// An ArtifactGenerator composing two sources (a Git repository and an OCI artifact) with a Merge, following its
/// sources, restoring an ExternalArtifact deleted by hand, reporting failures as source-watcher does, and cleaning up
/// the ExternalArtifacts it no longer generates.
/// </summary>
public sealed class ArtifactGeneratorTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private static string Generator(string artifacts) => $$"""
        apiVersion: source.extensions.fluxcd.io/v1beta1
        kind: ArtifactGenerator
        metadata:
          name: composer
          namespace: flux-system
        spec:
          commonMetadata:
            labels: {team: web}
          sources:
            - alias: git
              kind: GitRepository
              name: config
            - alias: chart
              kind: OCIRepository
              name: chart
        {{artifacts}}
        """;

    private const string Composite = """
          artifacts:
            - name: composite
              revision: "@chart"
              copy:
                - from: "@chart/"
                  to: "@artifact/"
                - from: "@git/values-prod.yaml"
                  to: "@artifact/web/values.yaml"
                  strategy: Merge
            - name: docs
              copy:
                - from: "@git/**"
                  to: "@artifact/"
                  exclude: ["*.yaml"]
        """;

    [Fact]
    public async Task Composition_Merge_Revisions_Failures_AndCleanup()
    {
        await using var env = await TideEnvironment.StartAsync();
        await using var registry = await OciRegistryServer.StartAsync();
        using var chart = new TempDirectory();
        chart.Write("web/values.yaml", "image:\n  tag: \"1.0\"\n  pullPolicy: Always\nreplicas: 1\n");
        chart.Write("web/Chart.yaml", "apiVersion: v2\nname: web\nversion: 1.0.0\n");
        await ProcessRunner.RunCheckedAsync("dotnet", [TideCli.Dll, "push", "artifact", $"oci://{registry.Host}/charts/web:1.0.0",
            "--path", chart.Path, "--source", "https://example.invalid/web.git", "--revision", "1.0.0@sha1:0123456789abcdef",
            "--insecure-registry"]);
        var repo = await env.CreateRepositoryAsync("config");
        repo.Write("values-prod.yaml", "image:\n  tag: \"2.0\"\n");
        repo.Write("README.md", "docs\n");
        await repo.CommitAndPushAsync("config");

        await env.Kubectl.ApplyAsync(Manifests.FluxSystem);
        await env.Kubectl.ApplyAsync(Manifests.GitRepository("config", env.Git.RepositoryUrl("config")));
        await env.Kubectl.ApplyAsync($"""
            apiVersion: source.toolkit.fluxcd.io/v1
            kind: OCIRepository
            metadata: {"{"}name: chart, namespace: flux-system{"}"}
            spec:
              interval: 1m
              url: oci://{registry.Host}/charts/web
              insecure: true
              ref: {"{"}tag: "1.0.0"{"}"}
            """);

        // A generator whose copy rule names nothing is BuildFailed, and recovers when the spec is fixed.
        await env.Kubectl.ApplyAsync(Generator("""
              artifacts:
                - name: composite
                  copy:
                    - from: "@git/missing.yaml"
                      to: "@artifact/"
            """));
        var failed = await ReadyAsync(env, "artifactgenerator/composer", s => s.StartsWith("False|BuildFailed", StringComparison.Ordinal));
        Assert.Equal("False|BuildFailed|composite build failed: failed to apply copy operations: failed to apply copy operation from '@git/missing.yaml' to '@artifact/': source 'missing.yaml' does not exist", failed);

        await env.Kubectl.ApplyAsync(Generator(Composite));
        Assert.Equal("True|Succeeded|reconciliation succeeded, generated 2 artifact(s)",
            await ReadyAsync(env, "artifactgenerator/composer", s => s.StartsWith("True|", StringComparison.Ordinal)));
        Assert.Contains("source.extensions.fluxcd.io/finalizer", await env.Kubectl.JsonPathAsync("artifactgenerator/composer", "flux-system", "{.metadata.finalizers}") ?? "");

        var composite = await GetJsonAsync(env, "externalartifact/composite");
        Assert.StartsWith("1.0.0@sha256:", (string)composite["status"]!["artifact"]!["revision"]!);
        Assert.Equal("web", (string)composite["metadata"]!["labels"]!["team"]!);
        var docs = await GetJsonAsync(env, "externalartifact/docs");
        var docsRevision = (string)docs["status"]!["artifact"]!["revision"]!;
        Assert.Equal("latest@" + (string)docs["status"]!["artifact"]!["digest"]!, docsRevision);

        // What the consumers get: the chart with its values merged as Helm merges values files; the docs alone.
        using var pulled = new TempDirectory();
        using var http = new HttpClient();
        var tarball = await http.GetByteArrayAsync((string)composite["status"]!["artifact"]!["url"]!);
        await using (var stream = new MemoryStream(tarball))
            await Tide.Engine.Artifacts.TarballUnpacker.UnpackAsync(stream, pulled.Combine("composite"), Tide.Engine.Artifacts.UnpackLimits.Default, CancellationToken.None);
        Assert.Equal("image:\n  pullPolicy: Always\n  tag: \"2.0\"\nreplicas: 1\n", File.ReadAllText(pulled.Combine("composite", "web", "values.yaml")));

        // A commit that changes only what one artifact copies leaves the other's revision as it was.
        repo.Write("values-prod.yaml", "image:\n  tag: \"3.0\"\n");
        await repo.CommitAndPushAsync("config");
        await Eventually.WaitAsync(() => env.Kubectl.JsonPathAsync("externalartifact/composite", "flux-system", "{.status.artifact.digest}"),
            d => d != (string)composite["status"]!["artifact"]!["digest"]!, Timeout, "a new composite artifact");
        Assert.Equal(docsRevision, await env.Kubectl.JsonPathAsync("externalartifact/docs", "flux-system", "{.status.artifact.revision}"));

        // An ExternalArtifact deleted by hand comes back at once, with the same revision.
        var docsDigest = await env.Kubectl.JsonPathAsync("externalartifact/docs", "flux-system", "{.status.artifact.digest}");
        await env.Kubectl.RunAsync("delete", "externalartifact/docs", "-n", "flux-system");
        await Eventually.WaitAsync(() => env.Kubectl.JsonPathAsync("externalartifact/docs", "flux-system", "{.status.artifact.digest}"),
            d => d == docsDigest, Timeout, "externalartifact/docs to be restored");

        // An artifact dropped from the spec is deleted; deleting the generator deletes the rest.
        await env.Kubectl.ApplyAsync(Generator(Composite[..Composite.IndexOf("    - name: docs", StringComparison.Ordinal)]));
        await Eventually.WaitAsync(() => env.Kubectl.JsonPathAsync("externalartifact/docs", "flux-system", "{.metadata.name}"),
            n => n is null, Timeout, "externalartifact/docs to be deleted");
        await env.Kubectl.RunAsync("delete", "artifactgenerator/composer", "-n", "flux-system", "--wait=false");
        await Eventually.WaitAsync(() => env.Kubectl.JsonPathAsync("externalartifact/composite", "flux-system", "{.metadata.name}"),
            n => n is null, Timeout, "externalartifact/composite to be deleted");
        Assert.Null(await env.Kubectl.JsonPathAsync("artifactgenerator/composer", "flux-system", "{.metadata.name}"));
    }

    [Fact]
    public async Task DuplicateAlias_Stalls_CrossNamespaceSource_IsDenied_MissingSource_Waits()
    {
        await using var env = await TideEnvironment.StartAsync(extraConfig: "tide.no-cross-namespace-refs = on");
        await env.Kubectl.ApplyAsync(Manifests.FluxSystem);
        await env.Kubectl.ApplyAsync("""
            apiVersion: source.extensions.fluxcd.io/v1beta1
            kind: ArtifactGenerator
            metadata: {name: twice, namespace: flux-system}
            spec:
              sources:
                - {alias: repo, kind: GitRepository, name: a}
                - {alias: repo, kind: GitRepository, name: b}
              artifacts:
                - name: out
                  copy: [{from: "@repo/**", to: "@artifact/"}]
            ---
            apiVersion: source.extensions.fluxcd.io/v1beta1
            kind: ArtifactGenerator
            metadata: {name: reach, namespace: flux-system}
            spec:
              sources:
                - {alias: repo, kind: GitRepository, name: a, namespace: other}
              artifacts:
                - name: out2
                  copy: [{from: "@repo/**", to: "@artifact/"}]
            ---
            apiVersion: source.extensions.fluxcd.io/v1beta1
            kind: ArtifactGenerator
            metadata: {name: waiting, namespace: flux-system}
            spec:
              sources:
                - {alias: repo, kind: GitRepository, name: not-yet}
              artifacts:
                - name: out3
                  copy: [{from: "@repo/**", to: "@artifact/"}]
            """);

        Assert.Equal("True|ValidationFailed|duplicate source alias 'repo' found",
            await StalledAsync(env, "artifactgenerator/twice"));
        Assert.Equal("True|AccessDenied|cross-namespace reference to source GitRepository/other/a is not allowed",
            await StalledAsync(env, "artifactgenerator/reach"));
        Assert.Equal("False|SourceFetchFailed|get sources failed: gitrepositories.source.toolkit.fluxcd.io \"not-yet\" not found",
            await ReadyAsync(env, "artifactgenerator/waiting", s => s.StartsWith("False|", StringComparison.Ordinal)));
    }

    private static Task<string> ReadyAsync(TideEnvironment env, string resource, Func<string, bool> done) =>
        ConditionAsync(env, resource, "Ready", done);

    private static Task<string> StalledAsync(TideEnvironment env, string resource) =>
        ConditionAsync(env, resource, "Stalled", s => s.StartsWith("True|", StringComparison.Ordinal));

    private static async Task<string> ConditionAsync(TideEnvironment env, string resource, string type, Func<string, bool> done) =>
        (await Eventually.WaitAsync(() => env.Kubectl.JsonPathAsync(resource, "flux-system",
                $"{{.status.conditions[?(@.type==\"{type}\")].status}}|{{.status.conditions[?(@.type==\"{type}\")].reason}}|{{.status.conditions[?(@.type==\"{type}\")].message}}"),
            s => s is not null && done(s), Timeout, $"{resource} {type}"))!;

    private static async Task<JsonObject> GetJsonAsync(TideEnvironment env, string resource) =>
        JsonNode.Parse(await env.Kubectl.RunAsync("get", resource, "-n", "flux-system", "-o", "json"))!.AsObject();
}
