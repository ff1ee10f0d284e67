using System.Runtime.Versioning;
using k8s.Models;
using Tide.Engine.Api;
using Tide.Engine.Artifacts;
using Tide.Engine.Reconcilers;
using Tide.Engine.Sources.Git;
using Tide.Testing;

namespace Tide.Engine.Tests.Reconcilers;

/// <summary>spec.include: another GitRepository's artifact (a path of it) copied into this one's.</summary>
[SupportedOSPlatform("linux")]
public sealed class GitRepositoryIncludeTests : IAsyncLifetime
{
    private readonly TempDirectory _temp = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 6, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly Dictionary<string, GitRepository> _objects = new();
    private WorkRepository _app = null!;
    private WorkRepository _lib = null!;
    private ArtifactStore _store = null!;
    private GitRepositoryReconciler _reconciler = null!;

    public async Task InitializeAsync()
    {
        _app = await WorkRepository.InitAsync(_temp.Combine("app"));
        _lib = await WorkRepository.InitAsync(_temp.Combine("lib"));
        _store = new ArtifactStore(_temp.Combine("store"), _time);
        _reconciler = new GitRepositoryReconciler(
            new GitFetcher(_temp.Combine("cache"), allowLocal: true), _store,
            new SourceReconcilerOptions { ArtifactBaseUrl = "http://127.0.0.1:9090", WorkDirectory = _temp.Combine("work-dirs") }, _time,
            (ns, name, _) => Task.FromResult(ns == "apps" && _objects.TryGetValue(name, out var found) ? found : null));
    }

    public Task DisposeAsync()
    {
        _temp.Dispose();
        return Task.CompletedTask;
    }

    private static GitRepository Repository(string name, string url, params GitRepositoryInclude[] includes) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "apps", Generation = 1 },
        Spec = new GitRepositorySpec
        {
            Url = url,
            Interval = GoDuration.Parse("1m"),
            Reference = new GitRepositoryRef { Branch = "main" },
            Include = includes.Length == 0 ? null : includes,
        },
    };

    private static GitRepositoryInclude Include(string name, string? fromPath = null, string? toPath = null) =>
        new() { GitRepositoryRef = new LocalObjectReference { Name = name }, FromPath = fromPath, ToPath = toPath };

    /// <summary>Reconciles lib and records its object with the new status, as the API server would hold it.</summary>
    private async Task<Artifact> ReconcileLibAsync()
    {
        var lib = Repository("lib", _lib.Path);
        if (_objects.TryGetValue("lib", out var previous))
            lib = lib with { Status = previous.Status };
        var result = await _reconciler.ReconcileAsync(lib, ReferencedSecrets.None, CancellationToken.None);
        _objects["lib"] = lib with { Status = result.Status };
        return result.Status.Artifact!;
    }

    private async Task<Dictionary<string, string>> FilesAsync(Artifact artifact)
    {
        var target = _temp.Combine("unpacked-" + Guid.NewGuid().ToString("N"));
        await using (var file = _store.Open(artifact.Path))
            await TarballUnpacker.UnpackAsync(file, target, UnpackLimits.Default, CancellationToken.None);
        return Directory.EnumerateFiles(target, "*", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(target, f).Replace('\\', '/'), File.ReadAllText);
    }

    private static Condition Get(ReconcileResult<GitRepositoryStatus> result, string type) =>
        result.Status.Conditions!.Single(c => c.Type == type);

    [Fact]
    public async Task Include_CopiesFromPathToToPath_AndRebuildsWhenTheIncludedArtifactChanges()
    {
        var appSha = await _app.CommitAsync("app", ("app.yaml", "app"));
        await _lib.CommitAsync("lib v1", ("shared/config.yaml", "v1"), ("docs/readme.md", "docs"));
        var libArtifact = await ReconcileLibAsync();
        var app = Repository("app", _app.Path, Include("lib", fromPath: "shared", toPath: "vendor/lib"));

        var first = await _reconciler.ReconcileAsync(app, ReferencedSecrets.None, CancellationToken.None);

        Assert.Equal(ConditionStatus.True, Get(first, ConditionTypes.Ready).Status);
        Assert.Equal($"main@sha1:{appSha}", first.Status.Artifact!.Revision);
        Assert.Equal(new Dictionary<string, string> { ["app.yaml"] = "app", ["vendor/lib/config.yaml"] = "v1" }, await FilesAsync(first.Status.Artifact));
        Assert.Equal([(libArtifact.Revision, libArtifact.Digest)], first.Status.IncludedArtifacts!.Select(a => (a.Revision, a.Digest)));
        Assert.Equal(app.Spec.Include, first.Status.ObservedInclude);

        // Unchanged: no new artifact.
        var same = await _reconciler.ReconcileAsync(app with { Status = first.Status }, ReferencedSecrets.None, CancellationToken.None);
        Assert.Empty(same.Events);
        Assert.Equal(first.Status.Artifact.Digest, same.Status.Artifact!.Digest);

        // The included repository moves on: same app revision, new content.
        await _lib.CommitAsync("lib v2", ("shared/config.yaml", "v2"));
        await ReconcileLibAsync();
        var second = await _reconciler.ReconcileAsync(app with { Status = same.Status }, ReferencedSecrets.None, CancellationToken.None);

        Assert.Equal($"main@sha1:{appSha}", second.Status.Artifact!.Revision);
        Assert.Equal("v2", (await FilesAsync(second.Status.Artifact))["vendor/lib/config.yaml"]);
        Assert.Contains(second.Events, e => e.Reason == ConditionReasons.NewArtifact);
    }

    [Fact]
    public async Task Include_DefaultsToTheWholeArtifactUnderItsName()
    {
        await _app.CommitAsync("app", ("app.yaml", "app"));
        await _lib.CommitAsync("lib", ("a.yaml", "a"));
        await ReconcileLibAsync();

        var result = await _reconciler.ReconcileAsync(Repository("app", _app.Path, Include("lib")), ReferencedSecrets.None, CancellationToken.None);

        Assert.Equal(new Dictionary<string, string> { ["app.yaml"] = "app", ["lib/a.yaml"] = "a" }, await FilesAsync(result.Status.Artifact!));
    }

    [Fact]
    public async Task Include_Missing_IsIncludeUnavailable()
    {
        await _app.CommitAsync("app", ("app.yaml", "app"));

        var result = await _reconciler.ReconcileAsync(Repository("app", _app.Path, Include("absent")), ReferencedSecrets.None, CancellationToken.None);

        var unavailable = Get(result, ConditionTypes.IncludeUnavailable);
        Assert.Equal((ConditionStatus.True, "NotFound"), (unavailable.Status, unavailable.Reason));
        Assert.StartsWith("could not get resource for include 'absent'", unavailable.Message);
        Assert.Equal(ConditionStatus.False, Get(result, ConditionTypes.Ready).Status);
        Assert.Null(result.Status.Artifact);
    }

    [Fact]
    public async Task Include_ToPathClimbingOutOfTheTree_StaysInside_AsWithFluxSecureJoin()
    {
        await _app.CommitAsync("app", ("app.yaml", "app"));
        await _lib.CommitAsync("lib", ("a.yaml", "a"));
        await ReconcileLibAsync();

        var result = await _reconciler.ReconcileAsync(
            Repository("app", _app.Path, Include("lib", fromPath: "../..", toPath: "../../escaped")), ReferencedSecrets.None, CancellationToken.None);

        Assert.Equal(new Dictionary<string, string> { ["app.yaml"] = "app", ["escaped/a.yaml"] = "a" }, await FilesAsync(result.Status.Artifact!));
        Assert.False(Directory.Exists(_temp.Combine("escaped")));
        Assert.False(Directory.Exists(_temp.Combine("work-dirs", "escaped")));
    }

    [Fact]
    public async Task Include_HeldByAnotherNode_IsDownloaded_AndAMissingOneIsNoArtifact()
    {
        await _app.CommitAsync("app", ("app.yaml", "app"));
        await _lib.CommitAsync("lib", ("a.yaml", "a"));
        await ReconcileLibAsync();
        // This node has its own, empty store; the included artifact lives in the other node's store (_store).
        var otherStore = new ArtifactStore(_temp.Combine("store-2"), _time);
        var downloads = new List<string>();
        var reconciler = new GitRepositoryReconciler(new GitFetcher(_temp.Combine("cache-2"), allowLocal: true), otherStore,
            new SourceReconcilerOptions { ArtifactBaseUrl = "http://127.0.0.1:9091", WorkDirectory = _temp.Combine("work-dirs-2") }, _time,
            (ns, name, _) => Task.FromResult(ns == "apps" && _objects.TryGetValue(name, out var found) ? found : null),
            (artifact, _) =>
            {
                downloads.Add(artifact.Url);
                return Task.FromResult(_store.LocalPath(artifact.Path));
            });

        var result = await reconciler.ReconcileAsync(Repository("app", _app.Path, Include("lib")), ReferencedSecrets.None, CancellationToken.None);

        Assert.Equal([_objects["lib"].Status!.Artifact!.Url], downloads);
        var target = _temp.Combine("unpacked-remote");
        await using (var file = otherStore.Open(result.Status.Artifact!.Path))
            await TarballUnpacker.UnpackAsync(file, target, UnpackLimits.Default, CancellationToken.None);
        Assert.Equal("a", File.ReadAllText(Path.Combine(target, "lib", "a.yaml")));

        var failing = new GitRepositoryReconciler(new GitFetcher(_temp.Combine("cache-3"), allowLocal: true), new ArtifactStore(_temp.Combine("store-3"), _time),
            new SourceReconcilerOptions { ArtifactBaseUrl = "http://127.0.0.1:9092", WorkDirectory = _temp.Combine("work-dirs-3") }, _time,
            (ns, name, _) => Task.FromResult(ns == "apps" && _objects.TryGetValue(name, out var found) ? found : null),
            (_, _) => throw new ArtifactException("failed to download artifact: HTTP 404"));
        var failed = await failing.ReconcileAsync(Repository("app", _app.Path, Include("lib")), ReferencedSecrets.None, CancellationToken.None);
        Assert.Equal("NoArtifact", Get(failed, ConditionTypes.IncludeUnavailable).Reason);
    }
}
