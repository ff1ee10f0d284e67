using System.Runtime.Versioning;
using System.Security.Cryptography;
using k8s.Models;
using Tide.Engine.Api;
using Tide.Engine.Artifacts;
using Tide.Engine.Reconcilers;
using Tide.Engine.Sources.Git;
using Tide.Testing;

namespace Tide.Engine.Tests.Reconcilers;

[SupportedOSPlatform("linux")]
public sealed class GitRepositoryReconcilerTests : IAsyncLifetime
{
    private const string BaseUrl = "http://127.0.0.1:9090";
    private readonly TempDirectory _temp = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 6, 1, 12, 0, 0, TimeSpan.Zero));
    private GitHttpServer _server = null!;
    private WorkRepository _repo = null!;
    private string _bare = null!;
    private ArtifactStore _store = null!;
    private GitRepositoryReconciler _reconciler = null!;

    public async Task InitializeAsync()
    {
        _server = await GitHttpServer.StartAsync();
        _bare = await _server.CreateBareRepositoryAsync("app.git");
        _repo = await WorkRepository.InitAsync(_temp.Combine("work"));
        _store = new ArtifactStore(_temp.Combine("store"), _time);
        _reconciler = new GitRepositoryReconciler(
            new GitFetcher(_temp.Combine("cache"), allowLocal: true), _store,
            new SourceReconcilerOptions { ArtifactBaseUrl = BaseUrl, WorkDirectory = _temp.Combine("work-dirs") }, _time);
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _temp.Dispose();
    }

    private GitRepository Repository(string name = "app", GitRepositoryRef? reference = null, string? url = null, string? ignore = null) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "apps", Generation = 3 },
        Spec = new GitRepositorySpec
        {
            Url = url ?? _server.UrlFor("app.git"),
            Interval = GoDuration.Parse("1m"),
            Reference = reference ?? new GitRepositoryRef { Branch = "main" },
            Ignore = ignore,
        },
    };

    private async Task<string> CommitAndPushAsync(string message, params (string Path, string? Content)[] files)
    {
        var sha = await _repo.CommitAsync(message, files);
        await _repo.PushAsync(_bare);
        return sha;
    }

    private async Task<IReadOnlySet<string>> UnpackedFilesAsync(Artifact artifact)
    {
        var target = _temp.Combine("unpacked-" + Guid.NewGuid().ToString("N"));
        await using (var file = _store.Open(artifact.Path))
            await TarballUnpacker.UnpackAsync(file, target, UnpackLimits.Default, CancellationToken.None);
        return Directory.EnumerateFiles(target, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(target, f).Replace('\\', '/'))
            .ToHashSet();
    }

    private static Condition Get(GitRepositoryStatus status, string type) => status.Conditions!.Single(c => c.Type == type);

    [Fact]
    public async Task Reconcile_NewRepository_StoresArtifactAndReportsReady()
    {
        var sha = await CommitAndPushAsync("add app", ("deploy/app.yaml", "kind: ConfigMap\n"));

        var result = await _reconciler.ReconcileAsync(Repository(), ReferencedSecrets.None, CancellationToken.None);

        var artifact = result.Status.Artifact!;
        var revision = $"main@sha1:{sha}";
        Assert.Equal(revision, artifact.Revision);
        Assert.Equal(BaseUrl + "/" + artifact.Path, artifact.Url);
        Assert.StartsWith("gitrepository/apps/app/", artifact.Path);
        var bytes = await File.ReadAllBytesAsync(_store.LocalPath(artifact.Path));
        Assert.Equal("sha256:" + Convert.ToHexStringLower(SHA256.HashData(bytes)), artifact.Digest);
        Assert.Equal(bytes.Length, artifact.Size);
        Assert.Equal(["deploy/app.yaml"], await UnpackedFilesAsync(artifact));

        var ready = Get(result.Status, ConditionTypes.Ready);
        Assert.Equal((ConditionStatus.True, ConditionReasons.Succeeded, $"stored artifact for revision '{revision}'"), (ready.Status, ready.Reason, ready.Message));
        Assert.Equal(ConditionStatus.True, Get(result.Status, ConditionTypes.ArtifactInStorage).Status);
        Assert.DoesNotContain(result.Status.Conditions!, c => c.Type is ConditionTypes.Reconciling or ConditionTypes.Stalled or ConditionTypes.FetchFailed);
        Assert.Equal(3, result.Status.ObservedGeneration);
        var newArtifact = Assert.Single(result.Events);
        Assert.Equal((ReconcileEvent.Normal, "NewArtifact", "stored artifact for commit 'add app'"), (newArtifact.Type, newArtifact.Reason, newArtifact.Message));
        Assert.Equal(Requeue.AfterInterval(TimeSpan.FromMinutes(1)), result.Requeue);
    }

    [Fact]
    public async Task Reconcile_NothingChanged_KeepsArtifactConditionTimesAndSendsNoEvent()
    {
        await CommitAndPushAsync("add app", ("a.yaml", "a"));
        var first = await _reconciler.ReconcileAsync(Repository(), ReferencedSecrets.None, CancellationToken.None);
        _time.Advance(TimeSpan.FromMinutes(1));

        var second = await _reconciler.ReconcileAsync(Repository() with { Status = first.Status }, ReferencedSecrets.None, CancellationToken.None);

        Assert.Equal(first.Status.Artifact, second.Status.Artifact);
        Assert.Equal(Get(first.Status, ConditionTypes.Ready).LastTransitionTime, Get(second.Status, ConditionTypes.Ready).LastTransitionTime);
        Assert.Empty(second.Events);
    }

    [Fact]
    public async Task Reconcile_NewCommit_StoresNewArtifactAndCollectsOldOnes()
    {
        await CommitAndPushAsync("one", ("a.yaml", "1"));
        var status = (await _reconciler.ReconcileAsync(Repository(), ReferencedSecrets.None, CancellationToken.None)).Status;
        var paths = new List<string> { status.Artifact!.Path };
        foreach (var n in new[] { "2", "3" })
        {
            _time.Advance(TimeSpan.FromMinutes(1));
            var sha = await CommitAndPushAsync("commit " + n, ("a.yaml", n));
            var result = await _reconciler.ReconcileAsync(Repository() with { Status = status }, ReferencedSecrets.None, CancellationToken.None);
            status = result.Status;
            paths.Add(status.Artifact!.Path);
            Assert.Equal($"main@sha1:{sha}", status.Artifact.Revision);
            Assert.Equal("NewArtifact", Assert.Single(result.Events).Reason);
        }

        Assert.False(_store.Exists(paths[0]));
        Assert.True(_store.Exists(paths[1]) && _store.Exists(paths[2]));
    }

    [Fact]
    public async Task Reconcile_SameTreeInOtherCommitsAndClones_GivesSameDigest()
    {
        await CommitAndPushAsync("one", ("deploy/app.yaml", "same"), ("README.md", "x"));
        var first = await _reconciler.ReconcileAsync(Repository("first"), ReferencedSecrets.None, CancellationToken.None);
        // A later commit that only touches an excluded file, fetched into another cache at another time.
        _time.Advance(TimeSpan.FromHours(1));
        await CommitAndPushAsync("logo", ("logo.png", "binary"));

        var second = await _reconciler.ReconcileAsync(Repository("second"), ReferencedSecrets.None, CancellationToken.None);

        Assert.NotEqual(first.Status.Artifact!.Revision, second.Status.Artifact!.Revision);
        Assert.Equal(first.Status.Artifact.Digest, second.Status.Artifact.Digest);
    }

    [Fact]
    public async Task Reconcile_IgnoreRules_ApplyDefaultsSourceIgnoreAndSpecIgnore()
    {
        await CommitAndPushAsync("files",
            ("deploy/app.yaml", "a"), ("deploy/logo.png", "png"), (".github/workflows/ci.yaml", "ci"),
            ("docs/guide.md", "d"), ("deploy/.sourceignore", "local-*.yaml\n"), ("deploy/local-dev.yaml", "l"));

        var defaults = await _reconciler.ReconcileAsync(Repository("defaults"), ReferencedSecrets.None, CancellationToken.None);
        var custom = await _reconciler.ReconcileAsync(Repository("custom", ignore: "docs/\n"), ReferencedSecrets.None, CancellationToken.None);

        // A .sourceignore replaces Flux's defaults (logo.png and .github come back), VCS files stay out.
        Assert.Equal(
            [".github/workflows/ci.yaml", "deploy/.sourceignore", "deploy/app.yaml", "deploy/logo.png", "docs/guide.md"],
            (await UnpackedFilesAsync(defaults.Status.Artifact!)).Order(StringComparer.Ordinal));
        Assert.Equal(
            [".github/workflows/ci.yaml", "deploy/.sourceignore", "deploy/app.yaml", "deploy/logo.png"],
            (await UnpackedFilesAsync(custom.Status.Artifact!)).Order(StringComparer.Ordinal));
        Assert.Equal("docs/\n", custom.Status.ObservedIgnore);
    }

    [Fact]
    public async Task Reconcile_WithoutAnyIgnorePattern_AppliesFluxDefaults()
    {
        await CommitAndPushAsync("files", ("app.yaml", "a"), ("logo.png", "png"), (".github/ci.yaml", "ci"), (".gitignore", "bin/"));

        var result = await _reconciler.ReconcileAsync(Repository(), ReferencedSecrets.None, CancellationToken.None);

        Assert.Equal(["app.yaml"], await UnpackedFilesAsync(result.Status.Artifact!));
    }

    [Fact]
    public async Task Reconcile_MissingBranch_IsNotReadyWithFluxReasonAndRetries()
    {
        await CommitAndPushAsync("one", ("a.yaml", "1"));
        var good = await _reconciler.ReconcileAsync(Repository(), ReferencedSecrets.None, CancellationToken.None);

        var result = await _reconciler.ReconcileAsync(
            Repository(reference: new GitRepositoryRef { Branch = "nope" }) with { Status = good.Status }, ReferencedSecrets.None, CancellationToken.None);

        var message = $"failed to checkout and determine revision: unable to clone '{_server.UrlFor("app.git")}': couldn't find remote ref 'refs/heads/nope': branch 'nope' does not exist";
        var ready = Get(result.Status, ConditionTypes.Ready);
        Assert.Equal((ConditionStatus.False, ConditionReasons.GitOperationFailed, message), (ready.Status, ready.Reason, ready.Message));
        Assert.Equal(ConditionStatus.True, Get(result.Status, ConditionTypes.FetchFailed).Status);
        Assert.Equal(ConditionReasons.ProgressingWithRetry, Get(result.Status, ConditionTypes.Reconciling).Reason);
        Assert.Equal(good.Status.Artifact, result.Status.Artifact);
        Assert.Equal((ReconcileEvent.Warning, ConditionReasons.GitOperationFailed, message), (result.Events[0].Type, result.Events[0].Reason, result.Events[0].Message));
        Assert.Equal(RequeueMode.Backoff, result.Requeue.Mode);
    }

    [Fact]
    public async Task Reconcile_UnreachableThenFixed_Recovers()
    {
        await CommitAndPushAsync("one", ("a.yaml", "1"));
        var unreachable = "http://127.0.0.1:1/app.git";

        var failed = await _reconciler.ReconcileAsync(Repository(url: unreachable), ReferencedSecrets.None, CancellationToken.None);
        Assert.Equal(ConditionReasons.GitOperationFailed, Get(failed.Status, ConditionTypes.Ready).Reason);
        Assert.Contains($"unable to list remote for '{unreachable}'", Get(failed.Status, ConditionTypes.Ready).Message);
        Assert.Null(failed.Status.Artifact);

        var fixedResult = await _reconciler.ReconcileAsync(Repository() with { Status = failed.Status }, ReferencedSecrets.None, CancellationToken.None);

        Assert.Equal(ConditionStatus.True, Get(fixedResult.Status, ConditionTypes.Ready).Status);
        Assert.DoesNotContain(fixedResult.Status.Conditions!, c => c.Type is ConditionTypes.FetchFailed or ConditionTypes.Reconciling);
        Assert.NotNull(fixedResult.Status.Artifact);
    }

    [Fact]
    public async Task Reconcile_UnsupportedUrl_IsStalled()
    {
        var result = await _reconciler.ReconcileAsync(Repository(url: "ftp://127.0.0.1/app.git"), ReferencedSecrets.None, CancellationToken.None);

        Assert.Equal(ConditionStatus.True, Get(result.Status, ConditionTypes.Stalled).Status);
        Assert.DoesNotContain(result.Status.Conditions!, c => c.Type == ConditionTypes.Reconciling);
        Assert.Equal(RequeueMode.OnChange, result.Requeue.Mode);
    }

    [Fact]
    public async Task Reconcile_Suspended_ChangesNothing()
    {
        await CommitAndPushAsync("one", ("a.yaml", "1"));
        var suspended = Repository() with { Spec = Repository().Spec with { Suspend = true } };

        var result = await _reconciler.ReconcileAsync(suspended, ReferencedSecrets.None, CancellationToken.None);

        Assert.Null(result.Status.Artifact);
        Assert.Empty(result.Events);
        Assert.Equal(RequeueMode.OnChange, result.Requeue.Mode);
    }

    [Fact]
    public async Task Reconcile_ArtifactGoneFromStorage_IsRebuilt()
    {
        await CommitAndPushAsync("one", ("a.yaml", "1"));
        var first = await _reconciler.ReconcileAsync(Repository(), ReferencedSecrets.None, CancellationToken.None);
        File.Delete(_store.LocalPath(first.Status.Artifact!.Path));

        var second = await _reconciler.ReconcileAsync(Repository() with { Status = first.Status }, ReferencedSecrets.None, CancellationToken.None);

        Assert.True(_store.Exists(second.Status.Artifact!.Path));
        Assert.Equal(first.Status.Artifact.Digest, second.Status.Artifact.Digest);
    }

    [Fact]
    public async Task Delete_RemovesArtifactsAndCache()
    {
        await CommitAndPushAsync("one", ("a.yaml", "1"));
        var result = await _reconciler.ReconcileAsync(Repository(), ReferencedSecrets.None, CancellationToken.None);
        Assert.NotEmpty(Directory.GetDirectories(_temp.Combine("cache")));

        await _reconciler.DeleteAsync(Repository(), CancellationToken.None);

        Assert.False(_store.Exists(result.Status.Artifact!.Path));
        Assert.Empty(Directory.GetDirectories(_temp.Combine("cache")));
    }

    [Fact]
    public async Task Reconcile_RequestedAt_IsRecordedAsHandled()
    {
        await CommitAndPushAsync("one", ("a.yaml", "1"));
        var requested = Repository();
        requested.Metadata.Annotations = new Dictionary<string, string> { ["reconcile.fluxcd.io/requestedAt"] = "2025-06-01T12:00:00Z" };

        var result = await _reconciler.ReconcileAsync(requested, ReferencedSecrets.None, CancellationToken.None);

        Assert.Equal("2025-06-01T12:00:00Z", result.Status.LastHandledReconcileAt);
    }
}
