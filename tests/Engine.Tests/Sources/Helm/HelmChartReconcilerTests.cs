using Microsoft.Extensions.Time.Testing;
using System.Formats.Tar;
using System.IO.Compression;
using k8s.Models;
using Tide.Engine.Api;
using Tide.Engine.Artifacts;
using Tide.Engine.Reconcilers;

namespace Tide.Engine.Tests.Sources.Helm;

/// <summary>The HelmChart reconciler with charts from a chart repository made by real helm, from a registry filled by
/// `helm push`, and from a Git-like source artifact; the packaged artifacts are checked with `helm template`.</summary>
public sealed class HelmChartReconcilerTests : IAsyncLifetime
{
    private const string BaseUrl = "http://127.0.0.1:9090";
    private readonly TempDirectory _temp = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 6, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly HttpClient _http = new();
    private ChartRepository _charts = null!;
    private ArtifactStore _store = null!;
    private HelmRepository _repository = null!;
    private Artifact? _gitArtifact;

    private static string Podinfo => HelmRepositoryReconcilerTests.Podinfo;

    public async Task InitializeAsync()
    {
        _charts = await ChartRepository.StartAsync([Podinfo]);
        _store = new ArtifactStore(_temp.Combine("store"), _time);
        var repository = new HelmRepository
        {
            Metadata = new V1ObjectMeta { Name = "charts", NamespaceProperty = "flux-system", Generation = 1 },
            Spec = new HelmRepositorySpec { Url = _charts.Url, Interval = GoDuration.Parse("5m") },
        };
        var indexed = await new HelmRepositoryReconciler(_http, _store, Options, _time).ReconcileAsync(repository, ReferencedSecrets.None, CancellationToken.None);
        // Every test needs the index artifact: a failure to make it is reported here, with the repository's message.
        Assert.True(indexed.Status.Artifact is not null, string.Join("; ", indexed.Status.Conditions?.Select(c => c.Message) ?? []));
        _repository = repository with { Status = indexed.Status };
    }

    public async Task DisposeAsync()
    {
        await _charts.DisposeAsync();
        _http.Dispose();
        _temp.Dispose();
    }

    private SourceReconcilerOptions Options => new() { ArtifactBaseUrl = BaseUrl };

    /// <summary>The HelmRepositories of the HelmChart's namespace that dependencies may name, and their secretRef data.</summary>
    private readonly List<(HelmRepository Repository, ReferencedSecrets Secrets)> _namespaceRepositories = [];

    private HelmChartReconciler Reconciler(HelmRepository? repository = null) => new(_http, _store, Options, _time, new HelmChartReconciler.Sources(
        (ns, name, _) => Task.FromResult(name == (repository ?? _repository).Metadata.Name ? repository ?? _repository : null),
        (r, _) => Task.FromResult(_namespaceRepositories.FirstOrDefault(n => n.Repository == r).Secrets ?? ReferencedSecrets.None),
        (_, _, _, _) => Task.FromResult(_gitArtifact),
        async (artifact, ct) =>
        {
            await using var file = _store.Open(_store.LocalPath(artifact.Url[(BaseUrl.Length + 1)..])[(_store.Root.Length + 1)..]);
            return await TarballUnpacker.UnpackToMemoryAsync(file, UnpackLimits.Default, ct);
        },
        (artifact, _) => Task.FromResult(_store.LocalPath(artifact.Url[(BaseUrl.Length + 1)..])),
        (_, _) => Task.FromResult<IReadOnlyList<HelmRepository>>(_namespaceRepositories.Select(n => n.Repository).ToList()),
        (_, _) => Task.FromResult(_verificationKeys)));

    /// <summary>The data of the HelmChart's spec.verify.secretRef.</summary>
    private IReadOnlyDictionary<string, byte[]>? _verificationKeys;

    private static HelmChart Chart(string chart = "podinfo", string? version = null, string kind = "HelmRepository", string source = "charts",
        IReadOnlyList<string>? valuesFiles = null, string? strategy = null) => new()
    {
        Metadata = new V1ObjectMeta { Name = "flux-system-podinfo", NamespaceProperty = "flux-system", Generation = 1 },
        Spec = new HelmChartSpec
        {
            Chart = chart,
            Version = version,
            SourceRef = new LocalHelmChartSourceReference { Kind = kind, Name = source },
            Interval = GoDuration.Parse("5m"),
            ValuesFiles = valuesFiles,
            ReconcileStrategy = strategy,
        },
    };

    private static Condition Ready(ReconcileResult<HelmChartStatus> result) => result.Status.Conditions!.Single(c => c.Type == "Ready");

    private async Task<string> RenderArtifactAsync(Artifact artifact)
    {
        var copy = _temp.Combine("artifact-" + Guid.NewGuid().ToString("N") + ".tgz");
        File.Copy(_store.LocalPath(artifact.Path), copy);
        return await Tide.Testing.Helm.RunCheckedAsync(["template", "release", copy, "--skip-tests"]);
    }

    [Fact]
    public async Task Reconcile_FromRepository_PullsTheChartHelmPackaged()
    {
        var result = await Reconciler().ReconcileAsync(Chart(version: ">=6.0.0 <7.0.0"), CancellationToken.None);

        Assert.Equal(ConditionStatus.True, Ready(result).Status);
        Assert.Equal("ChartPullSucceeded", Ready(result).Reason);
        Assert.Equal("pulled 'podinfo' chart with version '6.14.1'", Ready(result).Message);
        var artifact = result.Status.Artifact!;
        Assert.Equal("6.14.1", artifact.Revision);
        Assert.Equal(await File.ReadAllBytesAsync(Path.Combine(_charts.Directory, "podinfo-6.14.1.tgz")),
            await File.ReadAllBytesAsync(_store.LocalPath(artifact.Path)));
        Assert.Equal(_repository.Status!.Artifact!.Revision, result.Status.ObservedSourceArtifactRevision);
        Assert.Equal("podinfo", result.Status.ObservedChartName);
        Assert.Contains(result.Events, e => e.Reason == "ChartPullSucceeded");
    }

    [Fact]
    public async Task Reconcile_Again_KeepsTheArtifactWithoutEvent()
    {
        var first = await Reconciler().ReconcileAsync(Chart(), CancellationToken.None);
        var second = await Reconciler().ReconcileAsync(Chart() with { Status = first.Status }, CancellationToken.None);

        Assert.Equal(first.Status.Artifact, second.Status.Artifact);
        Assert.Empty(second.Events);
    }

    [Fact]
    public async Task Reconcile_VersionThatDoesNotExist_InvalidChartReference()
    {
        var result = await Reconciler().ReconcileAsync(Chart(version: "9.9.9"), CancellationToken.None);

        Assert.Equal(ConditionStatus.False, Ready(result).Status);
        Assert.Equal("InvalidChartReference", Ready(result).Reason);
        Assert.Equal("invalid chart reference: failed to get chart version for remote reference: no 'podinfo' chart with version matching '9.9.9' found",
            Ready(result).Message);
        Assert.Contains(result.Status.Conditions!, c => c.Type == "BuildFailed" && c.Reason == "InvalidChartReference");
    }

    [Fact]
    public async Task Reconcile_ValuesFiles_PackagedChartRendersAsHelmWithThoseFiles()
    {
        var result = await Reconciler().ReconcileAsync(Chart(valuesFiles: ["values.yaml", "values-prod.yaml"]), CancellationToken.None);

        Assert.Equal("ChartPackageSucceeded", Ready(result).Reason);
        Assert.Equal("packaged 'podinfo' chart with version '6.14.1' and merged values files [values.yaml values-prod.yaml]", Ready(result).Message);
        var expected = await Tide.Testing.Helm.RunCheckedAsync(["template", "release", Podinfo, "--skip-tests",
            "-f", Path.Combine(Podinfo, "values.yaml"), "-f", Path.Combine(Podinfo, "values-prod.yaml")]);
        Assert.Equal(expected, await RenderArtifactAsync(result.Status.Artifact!));
    }

    [Fact]
    public async Task Reconcile_MissingValuesFile_ValuesFilesError()
    {
        var result = await Reconciler().ReconcileAsync(Chart(valuesFiles: ["values-missing.yaml"]), CancellationToken.None);

        Assert.True(Ready(result).Reason == "ValuesFilesError", Ready(result).Message);
        Assert.Contains("values-missing.yaml", Ready(result).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reconcile_HostileArchive_RefusedAndNamed()
    {
        await using (var file = File.Create(Path.Combine(_charts.Directory, "evil-1.0.0.tgz")))
        await using (var gzip = new GZipStream(file, CompressionLevel.Fastest))
        await using (var tar = new TarWriter(gzip))
        {
            var entry = new PaxTarEntry(TarEntryType.RegularFile, "evil/../../escape.yaml") { DataStream = new MemoryStream("x: 1"u8.ToArray()) };
            await tar.WriteEntryAsync(entry);
        }
        await File.AppendAllTextAsync(Path.Combine(_charts.Directory, "index.yaml"), "");
        var index = await File.ReadAllTextAsync(Path.Combine(_charts.Directory, "index.yaml"));
        await File.WriteAllTextAsync(Path.Combine(_charts.Directory, "index.yaml"),
            index.Replace("entries:\n", "entries:\n  evil:\n  - name: evil\n    version: 1.0.0\n    apiVersion: v2\n    urls: [evil-1.0.0.tgz]\n"));
        var reindexed = await new HelmRepositoryReconciler(_http, _store, Options, _time).ReconcileAsync(_repository, ReferencedSecrets.None, CancellationToken.None);

        var result = await Reconciler(_repository with { Status = reindexed.Status }).ReconcileAsync(Chart("evil"), CancellationToken.None);

        Assert.Equal(ConditionStatus.False, Ready(result).Status);
        Assert.Equal("ChartPullError", Ready(result).Reason);
        Assert.Contains("unsafe chart archive", Ready(result).Message, StringComparison.Ordinal);
        Assert.Contains("escape.yaml", Ready(result).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reconcile_FromGitArtifact_RevisionStrategyAppendsTheDigest()
    {
        await UseSourceTreeAsync(Path.Combine(TestPaths.Corpus, "helm", "podinfo"));

        var result = await Reconciler().ReconcileAsync(Chart("./chart", kind: "GitRepository", source: "apps", strategy: "Revision"), CancellationToken.None);

        Assert.Equal("ChartPackageSucceeded", Ready(result).Reason);
        Assert.Equal("6.14.1+0123456789ab", result.Status.Artifact!.Revision);
        var shown = await Tide.Testing.Helm.RunCheckedAsync(["show", "chart", _store.LocalPath(result.Status.Artifact.Path)]);
        Assert.Contains("version: 6.14.1+0123456789ab", shown, StringComparison.Ordinal);
        var expected = await Tide.Testing.Helm.RunCheckedAsync(["template", "release", Podinfo, "--skip-tests"]);
        Assert.Equal(expected.Replace("helm.sh/chart: podinfo-6.14.1", "helm.sh/chart: podinfo-6.14.1_0123456789ab"),
            await RenderArtifactAsync(result.Status.Artifact));
    }

    /// <summary>A Git-like source artifact of <paramref name="directory"/>.</summary>
    private async Task UseSourceTreeAsync(string directory)
    {
        var stored = await _store.PutAsync(new ArtifactOwner("GitRepository", "flux-system", "apps"),
            (stream, ct) => TarballPacker.PackAsync(directory, stream, null, ct), CancellationToken.None);
        _gitArtifact = new Artifact
        {
            Digest = stored.Digest, Path = stored.Path, Url = $"{BaseUrl}/{stored.Path}", Size = stored.Size,
            Revision = "main@sha1:0123456789abcdef0123456789abcdef01234567", LastUpdateTime = _time.GetUtcNow(),
        };
    }

    /// <summary>Chart "app" depending on podinfo from <paramref name="repositoryUrl"/> and on the chart "lib" beside it
    /// (file://), neither vendored in charts/.</summary>
    private static void WriteAppWithDependencies(TempDirectory tree, string repositoryUrl)
    {
        tree.Write("app/Chart.yaml", $"""
            apiVersion: v2
            name: app
            version: 0.1.0
            dependencies:
            - name: podinfo
              version: ">=6.0.0 <7.0.0"
              repository: {repositoryUrl}
            - name: lib
              version: 1.x
              repository: file://../lib
              alias: shared
            """);
        tree.Write("app/values.yaml", "podinfo:\n  replicaCount: 2\nshared:\n  note: aliased\n");
        tree.Write("app/templates/app.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-app\n");
        tree.Write("lib/Chart.yaml", "apiVersion: v2\nname: lib\nversion: 1.2.0\n");
        tree.Write("lib/templates/lib.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-lib\ndata:\n  note: {{ .Values.note | default \"none\" | quote }}\n");
    }

    /// <summary>The oracle: `helm dependency build` of the same chart directory (podinfo from the HTTP repository),
    /// then `helm template`.</summary>
    private async Task<string> HelmDependencyBuildAndTemplateAsync()
    {
        using var oracle = new TempDirectory();
        WriteAppWithDependencies(oracle, _charts.Url);
        await Tide.Testing.Helm.RunCheckedAsync(["dependency", "build", oracle.Combine("app"),
            "--repository-config", oracle.Combine("repositories.yaml"), "--repository-cache", oracle.Combine("cache")]);
        return await Tide.Testing.Helm.RunCheckedAsync(["template", "release", oracle.Combine("app"), "--skip-tests"]);
    }

    [Fact]
    public async Task Reconcile_GitChartWithDependenciesNotVendored_FetchesThemAsHelmDependencyBuild()
    {
        using var tree = new TempDirectory();
        WriteAppWithDependencies(tree, _charts.Url);
        await UseSourceTreeAsync(tree.Path);

        var result = await Reconciler().ReconcileAsync(Chart("./app", kind: "GitRepository", source: "apps"), CancellationToken.None);

        Assert.True(Ready(result).Status == ConditionStatus.True, Ready(result).Message);
        Assert.Equal("packaged 'app' chart with version '0.1.0'", Ready(result).Message);
        var expected = await HelmDependencyBuildAndTemplateAsync();
        Assert.Equal(expected, await RenderArtifactAsync(result.Status.Artifact!));
        Assert.Contains("note: \"aliased\"", expected, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reconcile_DependencyFromAPrivateRepository_UsesTheMatchingHelmRepositorysCredentials()
    {
        await using var @private = await ChartRepository.StartAsync([Podinfo], "reader", "s3cret");
        using var tree = new TempDirectory();
        WriteAppWithDependencies(tree, @private.Url + "/");
        await UseSourceTreeAsync(tree.Path);

        var refused = await Reconciler().ReconcileAsync(Chart("./app", kind: "GitRepository", source: "apps"), CancellationToken.None);

        Assert.Equal("DependencyBuildError", Ready(refused).Reason);
        Assert.StartsWith("dependency build error: failed to add remote dependency 'podinfo': failed to get chart 'podinfo' version '>=6.0.0 <7.0.0'",
            Ready(refused).Message, StringComparison.Ordinal);
        Assert.Contains("401", Ready(refused).Message, StringComparison.Ordinal);

        _namespaceRepositories.Add((new HelmRepository
        {
            Metadata = new V1ObjectMeta { Name = "private", NamespaceProperty = "flux-system" },
            Spec = new HelmRepositorySpec { Url = @private.Url, SecretRef = new LocalObjectReference { Name = "private-auth" } },
        }, new ReferencedSecrets { Auth = new Dictionary<string, byte[]> { ["username"] = "reader"u8.ToArray(), ["password"] = "s3cret"u8.ToArray() } }));
        var result = await Reconciler().ReconcileAsync(Chart("./app", kind: "GitRepository", source: "apps"), CancellationToken.None);

        Assert.True(Ready(result).Status == ConditionStatus.True, Ready(result).Message);
        Assert.Contains("name: release-podinfo", await RenderArtifactAsync(result.Status.Artifact!), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reconcile_GitChartWithADependencyInAnOciRegistry_PullsWhatHelmPushed()
    {
        await using var registry = await OciRegistryServer.StartAsync();
        await Tide.Testing.Helm.RunCheckedAsync(["push", Path.Combine(_charts.Directory, "podinfo-6.14.1.tgz"), $"oci://{registry.Host}/charts", "--plain-http"]);
        // A plain-HTTP registry is reached through a HelmRepository that says so (insecure), as in Flux.
        _namespaceRepositories.Add((OciRepository(registry), ReferencedSecrets.None));
        using var tree = new TempDirectory();
        WriteAppWithDependencies(tree, $"oci://{registry.Host}/charts/");
        await UseSourceTreeAsync(tree.Path);

        var result = await Reconciler().ReconcileAsync(Chart("./app", kind: "GitRepository", source: "apps"), CancellationToken.None);

        Assert.True(Ready(result).Status == ConditionStatus.True, Ready(result).Message);
        Assert.Equal(await HelmDependencyBuildAndTemplateAsync(), await RenderArtifactAsync(result.Status.Artifact!));
    }

    [Fact]
    public async Task Reconcile_LocalDependencyOutsideItsRangeOrMissing_DependencyBuildError()
    {
        using var tree = new TempDirectory();
        WriteAppWithDependencies(tree, _charts.Url);
        tree.Write("lib/Chart.yaml", "apiVersion: v2\nname: lib\nversion: 2.0.0\n");
        await UseSourceTreeAsync(tree.Path);

        var result = await Reconciler().ReconcileAsync(Chart("./app", kind: "GitRepository", source: "apps"), CancellationToken.None);

        Assert.Equal("DependencyBuildError", Ready(result).Reason);
        Assert.Equal("dependency build error: failed to add local dependency 'shared': can't get a valid version for constraint '1.x'", Ready(result).Message);

        File.Delete(tree.Combine("lib/Chart.yaml"));
        await UseSourceTreeAsync(tree.Path);
        result = await Reconciler().ReconcileAsync(Chart("./app", kind: "GitRepository", source: "apps"), CancellationToken.None);
        Assert.Equal("dependency build error: failed to add local dependency 'shared': no chart found at 'lib' (reference 'file://../lib')", Ready(result).Message);
    }

    [Fact]
    public async Task Reconcile_FromOciRegistry_PullsWhatHelmPushed()
    {
        await using var registry = await OciRegistryServer.StartAsync();
        await Tide.Testing.Helm.RunCheckedAsync(["push", Path.Combine(_charts.Directory, "podinfo-6.14.1.tgz"), $"oci://{registry.Host}/charts", "--plain-http"]);

        var result = await Reconciler(OciRepository(registry)).ReconcileAsync(Chart(version: "6.x", source: "oci"), CancellationToken.None);

        Assert.True(Ready(result).Status == ConditionStatus.True, Ready(result).Message);
        Assert.Equal("6.14.1", result.Status.Artifact!.Revision);
        Assert.Equal(await File.ReadAllBytesAsync(Path.Combine(_charts.Directory, "podinfo-6.14.1.tgz")),
            await File.ReadAllBytesAsync(_store.LocalPath(result.Status.Artifact.Path)));
    }

    private static HelmRepository OciRepository(OciRegistryServer registry) => new()
    {
        Metadata = new V1ObjectMeta { Name = "oci", NamespaceProperty = "flux-system" },
        Spec = new HelmRepositorySpec { Url = $"oci://{registry.Host}/charts", Type = "oci", Insecure = true },
    };

    private static HelmChart Verified(HelmChart chart, string provider = "cosign", bool keys = true) => chart with
    {
        Spec = chart.Spec with
        {
            Verify = new OciRepositoryVerification { Provider = provider, SecretRef = keys ? new LocalObjectReference { Name = "cosign-keys" } : null },
        },
    };

    [Fact]
    public async Task Reconcile_Verify_OciChartSignedWithTheKey_IsVerified_OtherwiseRefused()
    {
        await using var registry = await OciRegistryServer.StartAsync();
        await Tide.Testing.Helm.RunCheckedAsync(["push", Path.Combine(_charts.Directory, "podinfo-6.14.1.tgz"), $"oci://{registry.Host}/charts", "--plain-http"]);
        using var signer = await OpensslSigningKey.EcdsaAsync();
        using var stranger = await OpensslSigningKey.EcdsaAsync();
        var digest = await CosignSignature.DigestAsync(_http, registry.Host, "charts/podinfo", "6.14.1");
        await CosignSignature.PushAsync(_http, registry.Host, "charts/podinfo", digest, signer);
        var chart = Verified(Chart(version: "6.x", source: "oci"));

        _verificationKeys = new Dictionary<string, byte[]> { ["cosign.pub"] = System.Text.Encoding.UTF8.GetBytes(signer.PublicKeyPem) };
        var verified = await Reconciler(OciRepository(registry)).ReconcileAsync(chart, CancellationToken.None);

        Assert.True(Ready(verified).Status == ConditionStatus.True, Ready(verified).Message);
        var sourceVerified = verified.Status.Conditions!.Single(c => c.Type == "SourceVerified");
        Assert.Equal(("True", "Succeeded", "verified signature of version 6.14.1"), (sourceVerified.Status, sourceVerified.Reason, sourceVerified.Message));

        _verificationKeys = new Dictionary<string, byte[]> { ["cosign.pub"] = System.Text.Encoding.UTF8.GetBytes(stranger.PublicKeyPem) };
        var refused = await Reconciler(OciRepository(registry)).ReconcileAsync(chart with { Status = verified.Status }, CancellationToken.None);

        Assert.Equal(ConditionStatus.False, Ready(refused).Status);
        Assert.Equal("ChartVerificationError", Ready(refused).Reason);
        Assert.Equal($"chart verification error: no matching signatures were found for '{registry.Host}/charts/podinfo:6.14.1'", Ready(refused).Message);
        Assert.Contains(refused.Status.Conditions!, c => c is { Type: "SourceVerified", Status: "False", Reason: "VerificationError" });
        Assert.Contains(refused.Status.Conditions!, c => c is { Type: "BuildFailed", Reason: "ChartVerificationError" });
    }

    [Theory]
    [InlineData("cosign", false, "oci", "failed to verify the signature using provider 'cosign keyless': keyless verification is not supported by Tide")]
    [InlineData("notation", true, "oci", "failed to verify the signature using provider 'notation': provider 'notation' is not supported by Tide")]
    [InlineData("cosign", true, "http", "chart verification error: not implemented: spec.verify is supported only for charts from a HelmRepository of type 'oci', not from HelmRepository 'charts'")]
    public async Task Reconcile_VerifyTideCannotDo_StallsNamingWhatIsUnsupported(string provider, bool keys, string source, string message)
    {
        await using var registry = await OciRegistryServer.StartAsync();
        await Tide.Testing.Helm.RunCheckedAsync(["push", Path.Combine(_charts.Directory, "podinfo-6.14.1.tgz"), $"oci://{registry.Host}/charts", "--plain-http"]);
        _verificationKeys = new Dictionary<string, byte[]>();
        var chart = Verified(Chart(version: "6.x", source: source == "oci" ? "oci" : "charts"), provider, keys);

        var result = await Reconciler(source == "oci" ? OciRepository(registry) : null).ReconcileAsync(chart, CancellationToken.None);

        Assert.Equal(ConditionStatus.False, Ready(result).Status);
        Assert.StartsWith(message, Ready(result).Message, StringComparison.Ordinal);
        Assert.Contains(result.Status.Conditions!, c => c is { Type: "Stalled", Status: "True" });
        Assert.Contains(result.Status.Conditions!, c => c is { Type: "SourceVerified", Status: "False", Reason: "VerificationError" });
        Assert.Null(result.Status.Artifact);
    }
}
