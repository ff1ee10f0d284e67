using Microsoft.Extensions.Time.Testing;
using System.Security.Cryptography;
using System.Text;
using k8s.Models;
using Tide.Engine.Api;
using Tide.Engine.Artifacts;
using Tide.Engine.Reconcilers;
using Tide.Engine.Sources.Helm;

namespace Tide.Engine.Tests.Sources.Helm;

/// <summary>The HelmRepository reconciler against a chart repository made by the real helm (`helm package`, `helm repo
/// index`) and served over HTTP.</summary>
public sealed class HelmRepositoryReconcilerTests : IAsyncLifetime
{
    private const string BaseUrl = "http://127.0.0.1:9090";
    private readonly TempDirectory _temp = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 6, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly HttpClient _http = new();
    private ChartRepository _charts = null!;
    private ArtifactStore _store = null!;
    private HelmRepositoryReconciler _reconciler = null!;

    public static string Podinfo => Path.Combine(TestPaths.Corpus, "helm", "podinfo", "chart");

    public async Task InitializeAsync()
    {
        _charts = await ChartRepository.StartAsync([Podinfo], "reader", "s3cret");
        _store = new ArtifactStore(_temp.Combine("store"), _time);
        _reconciler = new HelmRepositoryReconciler(_http, _store, new SourceReconcilerOptions { ArtifactBaseUrl = BaseUrl }, _time);
    }

    public async Task DisposeAsync()
    {
        await _charts.DisposeAsync();
        _http.Dispose();
        _temp.Dispose();
    }

    private HelmRepository Repository(string? url = null, bool withSecret = true, string type = "default") => new()
    {
        Metadata = new V1ObjectMeta { Name = "podinfo", NamespaceProperty = "flux-system", Generation = 1 },
        Spec = new HelmRepositorySpec
        {
            Url = url ?? _charts.Url,
            Interval = GoDuration.Parse("5m"),
            SecretRef = withSecret ? new LocalObjectReference { Name = "auth" } : null,
            Type = type,
        },
    };

    private static ReferencedSecrets Auth(string password = "s3cret") => new()
    {
        Auth = new Dictionary<string, byte[]> { ["username"] = "reader"u8.ToArray(), ["password"] = Encoding.UTF8.GetBytes(password) },
    };

    [Fact]
    public async Task Reconcile_IndexFromHelmRepoIndex_StoresItWithFluxRevision()
    {
        var result = await _reconciler.ReconcileAsync(Repository(), Auth(), CancellationToken.None);

        var index = await File.ReadAllBytesAsync(Path.Combine(_charts.Directory, "index.yaml"));
        var revision = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(index));
        var artifact = result.Status.Artifact!;
        Assert.Equal(revision, artifact.Revision);
        Assert.Equal($"stored artifact: revision '{revision}'", result.Status.Conditions!.Single(c => c.Type == "Ready").Message);
        Assert.Equal(ConditionStatus.True, result.Status.Conditions!.Single(c => c.Type == "Ready").Status);
        Assert.Contains(result.Events, e => e.Reason == "NewArtifact" && e.Message.StartsWith("stored fetched index of size ", StringComparison.Ordinal));
        // The artifact is the index as JSON; the chart it lists resolves.
        await using var stored = _store.Open(artifact.Path);
        var parsed = HelmIndex.Parse(await new StreamReader(stored).ReadToEndAsync());
        var entry = parsed.Select("podinfo", ">=6.0.0");
        Assert.Equal("6.14.1", entry.Version);
        Assert.Equal(RequeueMode.Interval, result.Requeue.Mode);
    }

    [Fact]
    public async Task Reconcile_SameIndexAgain_KeepsTheArtifactWithoutEvent()
    {
        var first = await _reconciler.ReconcileAsync(Repository(), Auth(), CancellationToken.None);
        var second = await _reconciler.ReconcileAsync(Repository() with { Status = first.Status }, Auth(), CancellationToken.None);

        Assert.Equal(first.Status.Artifact, second.Status.Artifact);
        Assert.Empty(second.Events);
    }

    [Fact]
    public async Task Reconcile_NewChartPublished_NewRevision()
    {
        var first = await _reconciler.ReconcileAsync(Repository(), Auth(), CancellationToken.None);
        await _charts.PublishAsync(Path.Combine(TestPaths.Corpus, "helm", "probe-edgecases", "chart"));

        var second = await _reconciler.ReconcileAsync(Repository() with { Status = first.Status }, Auth(), CancellationToken.None);

        Assert.NotEqual(first.Status.Artifact!.Revision, second.Status.Artifact!.Revision);
        Assert.Contains(second.Events, e => e.Reason == "NewArtifact");
    }

    [Fact]
    public async Task Reconcile_WrongPassword_FailsWithFluxMessage()
    {
        var result = await _reconciler.ReconcileAsync(Repository(), Auth("wrong"), CancellationToken.None);

        var ready = result.Status.Conditions!.Single(c => c.Type == "Ready");
        Assert.Equal(ConditionStatus.False, ready.Status);
        Assert.Equal("Failed", ready.Reason);
        Assert.StartsWith("failed to fetch Helm repository index: ", ready.Message, StringComparison.Ordinal);
        Assert.Contains("401", ready.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", ready.Message, StringComparison.Ordinal);
        Assert.Equal(RequeueMode.Backoff, result.Requeue.Mode);
    }

    [Fact]
    public async Task Reconcile_UnreachableRepository_ReadyFalseNamingTheUrl()
    {
        var url = $"http://127.0.0.1:{FreePort.Next()}/charts";

        var result = await _reconciler.ReconcileAsync(Repository(url), Auth(), CancellationToken.None);

        var ready = result.Status.Conditions!.Single(c => c.Type == "Ready");
        Assert.Equal(ConditionStatus.False, ready.Status);
        Assert.Contains(url, ready.Message, StringComparison.Ordinal);
        Assert.Contains(result.Status.Conditions!, c => c.Type == "FetchFailed");
    }

    [Fact]
    public async Task Reconcile_NotAnIndex_IndexationFailed()
    {
        await File.WriteAllTextAsync(Path.Combine(_charts.Directory, "index.yaml"), "<html>not an index</html>");

        var result = await _reconciler.ReconcileAsync(Repository(), Auth(), CancellationToken.None);

        var ready = result.Status.Conditions!.Single(c => c.Type == "Ready");
        Assert.Equal("IndexationFailed", ready.Reason);
        Assert.StartsWith("failed to load Helm repository from index YAML: ", ready.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reconcile_TypeOci_IsStaticWithEmptyStatus()
    {
        var result = await _reconciler.ReconcileAsync(Repository("oci://127.0.0.1:5000/charts", withSecret: false, type: "oci"),
            ReferencedSecrets.None, CancellationToken.None);

        Assert.Equal(new HelmRepositoryStatus(), result.Status);
        Assert.Equal(RequeueMode.OnChange, result.Requeue.Mode);
    }
}
