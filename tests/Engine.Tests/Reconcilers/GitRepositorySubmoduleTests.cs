using System.Runtime.Versioning;
using System.Text;
using k8s.Models;
using Tide.Engine.Api;
using Tide.Engine.Artifacts;
using Tide.Engine.Reconcilers;
using Tide.Engine.Sources.Git;
using Tide.Testing;

namespace Tide.Engine.Tests.Reconcilers;

/// <summary>spec.recurseSubmodules against git http-backend with basic authentication: the submodules' files (at the
/// commits the superproject records, recursively) are in the artifact, fetched with the superproject's credentials.</summary>
[SupportedOSPlatform("linux")]
public sealed class GitRepositorySubmoduleTests : IAsyncLifetime
{
    private const string Password = "sub-Pa55word";
    private readonly TempDirectory _temp = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 6, 1, 12, 0, 0, TimeSpan.Zero));
    private GitHttpServer _server = null!;
    private ArtifactStore _store = null!;
    private GitRepositoryReconciler _reconciler = null!;
    private WorkRepository _app = null!;
    private WorkRepository _lib = null!;
    private string _libCommit = null!;

    public async Task InitializeAsync()
    {
        _server = await GitHttpServer.StartAsync(new GitHttpServer.Options { Basic = new GitHttpServer.BasicAuth("flux", Password) });
        _lib = await CreateAsync("lib");
        _libCommit = await _lib.CommitAsync("lib v1", ("deploy/lib.yaml", "lib: v1\n"));
        await PushAsync(_lib, "lib");
        _app = await CreateAsync("app");
        // A relative URL, resolved against the superproject's URL as git does.
        await _app.SetSubmoduleAsync("vendor/lib", "../lib.git", _libCommit);
        await _app.CommitAsync("app with lib", ("deploy/app.yaml", "app: v1\n"));
        await PushAsync(_app, "app");
        _store = new ArtifactStore(_temp.Combine("store"), _time);
        _reconciler = new GitRepositoryReconciler(
            new GitFetcher(_temp.Combine("cache"), allowLocal: true), _store,
            new SourceReconcilerOptions { ArtifactBaseUrl = "http://127.0.0.1:9090", WorkDirectory = _temp.Combine("work-dirs") }, _time);
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _temp.Dispose();
    }

    private async Task<WorkRepository> CreateAsync(string name)
    {
        await _server.CreateBareRepositoryAsync(name + ".git");
        return await WorkRepository.InitAsync(_temp.Combine("work-" + name));
    }

    private Task PushAsync(WorkRepository work, string name) => work.PushAsync(Path.Combine(_server.RepositoriesDirectory, name + ".git"));

    private GitRepository Repository(bool recurse, GitRepositoryStatus? status = null) => new()
    {
        Metadata = new V1ObjectMeta { Name = "app", NamespaceProperty = "apps", Generation = 1 },
        Spec = new GitRepositorySpec
        {
            Url = _server.RepositoryUrl("app"),
            Interval = GoDuration.Parse("1m"),
            Reference = new GitRepositoryRef { Branch = "main" },
            SecretRef = new LocalObjectReference { Name = "git-auth" },
            RecurseSubmodules = recurse ? true : null,
        },
        Status = status,
    };

    private static readonly ReferencedSecrets Credentials = new()
    {
        Auth = new Dictionary<string, byte[]>
        {
            ["username"] = Encoding.UTF8.GetBytes("flux"),
            ["password"] = Encoding.UTF8.GetBytes(Password),
        },
    };

    private Task<ReconcileResult<GitRepositoryStatus>> ReconcileAsync(bool recurse, GitRepositoryStatus? status = null) =>
        _reconciler.ReconcileAsync(Repository(recurse, status), Credentials, CancellationToken.None);

    /// <summary>The artifact unpacked: its files with their content, and its directories.</summary>
    private async Task<(Dictionary<string, string> Files, HashSet<string> Directories)> UnpackAsync(Artifact artifact)
    {
        var target = _temp.Combine("unpacked-" + Guid.NewGuid().ToString("N"));
        await using (var file = _store.Open(artifact.Path))
            await TarballUnpacker.UnpackAsync(file, target, UnpackLimits.Default, CancellationToken.None);
        string Relative(string path) => Path.GetRelativePath(target, path).Replace('\\', '/');
        return (Directory.EnumerateFiles(target, "*", SearchOption.AllDirectories).ToDictionary(Relative, File.ReadAllText),
            Directory.EnumerateDirectories(target, "*", SearchOption.AllDirectories).Select(Relative).ToHashSet());
    }

    private static Condition Ready(ReconcileResult<GitRepositoryStatus> result) =>
        result.Status.Conditions!.Single(c => c.Type == ConditionTypes.Ready);

    [Fact]
    public async Task Recurse_ArtifactHoldsTheSubmoduleFiles_FetchedWithTheSameCredentials()
    {
        var result = await ReconcileAsync(recurse: true);

        Assert.Equal(ConditionStatus.True, Ready(result).Status);
        Assert.True(result.Status.ObservedRecurseSubmodules);
        var (files, _) = await UnpackAsync(result.Status.Artifact!);
        Assert.Equal("lib: v1\n", files["vendor/lib/deploy/lib.yaml"]);
        Assert.Equal("app: v1\n", files["deploy/app.yaml"]);
    }

    [Fact]
    public async Task WithoutRecurse_TheSubmoduleDirectoryIsEmpty()
    {
        var result = await ReconcileAsync(recurse: false);

        Assert.Equal(ConditionStatus.True, Ready(result).Status);
        Assert.Null(result.Status.ObservedRecurseSubmodules);
        var (files, directories) = await UnpackAsync(result.Status.Artifact!);
        Assert.Contains("vendor/lib", directories);
        Assert.DoesNotContain(files.Keys, f => f.StartsWith("vendor/lib/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TogglingRecurse_AtTheSameCommit_BuildsANewArtifact()
    {
        var without = await ReconcileAsync(recurse: false);
        var with = await ReconcileAsync(recurse: true, without.Status);
        var againWithout = await ReconcileAsync(recurse: false, with.Status);

        Assert.Equal(without.Status.Artifact!.Revision, with.Status.Artifact!.Revision);
        Assert.NotEqual(without.Status.Artifact.Digest, with.Status.Artifact.Digest);
        Assert.Contains(with.Events, e => e.Reason == ConditionReasons.NewArtifact);
        Assert.Contains("vendor/lib/deploy/lib.yaml", (await UnpackAsync(with.Status.Artifact)).Files.Keys);
        Assert.Equal(without.Status.Artifact.Digest, againWithout.Status.Artifact!.Digest);
        Assert.Null(againWithout.Status.ObservedRecurseSubmodules);
    }

    [Fact]
    public async Task SubmoduleBump_GivesANewRevisionWithTheNewSubmoduleFiles()
    {
        var first = await ReconcileAsync(recurse: true);
        var libV2 = await _lib.CommitAsync("lib v2", ("deploy/lib.yaml", "lib: v2\n"));
        await PushAsync(_lib, "lib");
        var unchanged = await ReconcileAsync(recurse: true, first.Status);
        await _app.SetSubmoduleAsync("vendor/lib", "../lib.git", libV2);
        var bump = await _app.CommitAsync("bump lib");
        await PushAsync(_app, "app");

        var second = await ReconcileAsync(recurse: true, unchanged.Status);

        Assert.Equal(first.Status.Artifact!.Digest, unchanged.Status.Artifact!.Digest);
        Assert.Equal($"main@sha1:{bump}", second.Status.Artifact!.Revision);
        Assert.Equal("lib: v2\n", (await UnpackAsync(second.Status.Artifact)).Files["vendor/lib/deploy/lib.yaml"]);
    }

    [Fact]
    public async Task NestedSubmodules_AreRecursedWithTheirOwnRelativeUrls()
    {
        var inner = await CreateAsync("inner");
        var innerCommit = await inner.CommitAsync("inner", ("inner.yaml", "inner: v1\n"));
        await PushAsync(inner, "inner");
        await _lib.SetSubmoduleAsync("third_party/inner", "./../inner.git", innerCommit);
        var libV2 = await _lib.CommitAsync("lib with inner");
        await PushAsync(_lib, "lib");
        // The superproject names lib by its absolute URL; lib names inner relative to its own URL.
        await _app.SetSubmoduleAsync("vendor/lib", _server.RepositoryUrl("lib"), libV2);
        await _app.CommitAsync("lib with inner");
        await PushAsync(_app, "app");

        var result = await ReconcileAsync(recurse: true);

        Assert.Equal(ConditionStatus.True, Ready(result).Status);
        Assert.Equal("inner: v1\n", (await UnpackAsync(result.Status.Artifact!)).Files["vendor/lib/third_party/inner/inner.yaml"]);
    }

    [Fact]
    public async Task LocalSubmoduleUrl_InARemoteRepository_IsRefused()
    {
        await _app.SetSubmoduleAsync("vendor/lib", Path.Combine(_server.RepositoriesDirectory, "lib.git"), _libCommit);
        await _app.CommitAsync("lib by path");
        await PushAsync(_app, "app");

        var result = await ReconcileAsync(recurse: true);

        var ready = Ready(result);
        Assert.Equal((ConditionStatus.False, ConditionReasons.GitOperationFailed), (ready.Status, ready.Reason));
        Assert.Contains("submodule 'vendor/lib': local URL", ready.Message);
        Assert.Null(result.Status.Artifact);
    }

    [Fact]
    public async Task SubmoduleCommitMissingFromItsRepository_Fails()
    {
        const string missing = "0123456789abcdef0123456789abcdef01234567";
        await _app.SetSubmoduleAsync("vendor/lib", "../lib.git", missing);
        await _app.CommitAsync("lib at a commit nobody has");
        await PushAsync(_app, "app");

        var result = await ReconcileAsync(recurse: true);

        var ready = Ready(result);
        Assert.Equal((ConditionStatus.False, ConditionReasons.GitOperationFailed), (ready.Status, ready.Reason));
        Assert.Contains($"submodule 'vendor/lib': commit '{missing}' is not in '../lib.git'", ready.Message);
    }
}
