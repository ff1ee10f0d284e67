using System.Net;
using Tide.Engine.Api;
using Tide.Engine.Artifacts;
using Tide.Engine.Tests.Fixtures;

namespace Tide.Engine.Tests.Artifacts;

public sealed class ArtifactCacheTests : IAsyncLifetime
{
    private static readonly ArtifactOwner Owner = new("GitRepository", "apps", "app");
    private readonly TempDirectory _temp = new();
    private readonly HttpClient _http = new();
    private readonly HttpListener _listener = new();
    private readonly ArtifactStore _remoteStore;
    private readonly List<string> _requests = [];
    private Func<string, byte[]?> _serve;
    private Task _serving = Task.CompletedTask;
    private string _baseUrl = "";

    public ArtifactCacheTests()
    {
        _remoteStore = new ArtifactStore(_temp.Combine("remote-store"), TimeProvider.System);
        _serve = path => _remoteStore.Exists(path) ? File.ReadAllBytes(_remoteStore.LocalPath(path)) : null;
    }

    /// <summary>Serves the "remote node's" store over HTTP on a loopback port, as a Tide node serves its own.</summary>
    public Task InitializeAsync()
    {
        var port = LoopbackServerProcess.FreePort();
        _baseUrl = $"http://127.0.0.1:{port}/";
        _listener.Prefixes.Add(_baseUrl);
        _listener.Start();
        _serving = Task.Run(async () =>
        {
            while (_listener.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await _listener.GetContextAsync();
                }
                catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
                {
                    return;
                }
                var path = context.Request.Url!.AbsolutePath.TrimStart('/');
                lock (_requests)
                    _requests.Add(path);
                var body = _serve(path);
                context.Response.StatusCode = body is null ? 404 : 200;
                if (body is not null)
                    await context.Response.OutputStream.WriteAsync(body);
                context.Response.Close();
            }
        });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        await _serving;
        _http.Dispose();
        _temp.Dispose();
    }

    private async Task<Artifact> PublishAsync(ArtifactStore store, params (string Path, string Content)[] files)
    {
        var tree = _temp.Combine("tree-" + Guid.NewGuid().ToString("N"));
        foreach (var (path, content) in files)
            _temp.Write(Path.GetRelativePath(_temp.Path, Path.Combine(tree, path)), content);
        var stored = await store.PutAsync(Owner, (s, ct) => TarballPacker.PackAsync(tree, s, null, ct), CancellationToken.None);
        return new Artifact
        {
            Digest = stored.Digest,
            Path = stored.Path,
            Url = _baseUrl + stored.Path,
            Revision = "main@sha1:0000000000000000000000000000000000000000",
            LastUpdateTime = DateTimeOffset.UnixEpoch,
            Size = stored.Size,
        };
    }

    private ArtifactCache Cache(ArtifactStore? local = null) =>
        new(_temp.Combine("cache"), _http, local, UnpackLimits.Default);

    [Fact]
    public async Task GetTree_FromAnotherNode_DownloadsVerifiesAndUnpacksOnce()
    {
        var artifact = await PublishAsync(_remoteStore, ("deploy/app.yaml", "kind: ConfigMap"));
        var cache = Cache();

        var tree = await cache.GetTreeAsync(artifact, CancellationToken.None);
        var again = await cache.GetTreeAsync(artifact, CancellationToken.None);

        Assert.Equal(tree, again);
        Assert.Equal("kind: ConfigMap", await File.ReadAllTextAsync(Path.Combine(tree, "deploy", "app.yaml")));
        Assert.Equal([artifact.Path], _requests);
    }

    [Fact]
    public async Task GetTree_FromThisNodesStore_DoesNotUseHttp()
    {
        var local = new ArtifactStore(_temp.Combine("local-store"), TimeProvider.System);
        var artifact = await PublishAsync(local, ("a.yaml", "a"));

        var tree = await Cache(local).GetTreeAsync(artifact with { Url = "http://127.0.0.1:1/unreachable" }, CancellationToken.None);

        Assert.Equal("a", await File.ReadAllTextAsync(Path.Combine(tree, "a.yaml")));
        Assert.Empty(_requests);
    }

    [Fact]
    public async Task GetTree_TamperedDownload_IsRejectedAndNotCached()
    {
        var artifact = await PublishAsync(_remoteStore, ("a.yaml", "a"));
        var genuine = await File.ReadAllBytesAsync(_remoteStore.LocalPath(artifact.Path));
        _serve = _ => [.. genuine, 0];

        var error = await Assert.ThrowsAsync<ArtifactFetchException>(() => Cache().GetTreeAsync(artifact, CancellationToken.None));

        Assert.Contains($"doesn't match '{artifact.Digest}'", error.Message);
        Assert.Empty(Directory.GetDirectories(_temp.Combine("cache", "trees")));
        Assert.Empty(Directory.GetFiles(_temp.Combine("cache", "downloads")));
    }

    [Fact]
    public async Task GetTree_MissingOnServer_ReportsTheStatus()
    {
        var artifact = await PublishAsync(_remoteStore, ("a.yaml", "a"));
        _remoteStore.DeleteAll(Owner);

        var error = await Assert.ThrowsAsync<ArtifactFetchException>(() => Cache().GetTreeAsync(artifact, CancellationToken.None));

        Assert.Equal($"failed to download artifact from {artifact.Url}, status: 404 Not Found", error.Message);
    }

    [Fact]
    public async Task Retain_DropsTreesNoLongerNeeded()
    {
        var first = await PublishAsync(_remoteStore, ("a.yaml", "1"));
        var second = await PublishAsync(_remoteStore, ("a.yaml", "2"));
        var cache = Cache();
        var firstTree = await cache.GetTreeAsync(first, CancellationToken.None);
        var secondTree = await cache.GetTreeAsync(second, CancellationToken.None);

        cache.Retain(new HashSet<string> { second.Digest });

        Assert.False(Directory.Exists(firstTree));
        Assert.True(Directory.Exists(secondTree));
    }
}
