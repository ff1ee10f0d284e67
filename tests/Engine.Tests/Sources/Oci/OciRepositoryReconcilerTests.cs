using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using k8s.Models;
using Tide.Engine.Api;
using Tide.Engine.Artifacts;
using Tide.Engine.Reconcilers;
using Tide.Engine.Sources.Oci;
using Tide.Testing;

namespace Tide.Engine.Tests.Sources.Oci;

/// <summary>The OCIRepository reconciler against a real registry (Debian's docker-registry), with artifacts pushed in
/// Flux's format.</summary>
public sealed class OciRepositoryReconcilerTests : IAsyncLifetime
{
    private const string BaseUrl = "http://127.0.0.1:9090";
    private readonly TempDirectory _temp = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 6, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly HttpClient _http = new();
    private OciRegistryServer _registry = null!;
    private OciClient _client = null!;
    private ArtifactStore _store = null!;
    private OciRepositoryReconciler _reconciler = null!;

    public async Task InitializeAsync()
    {
        _registry = await OciRegistryServer.StartAsync();
        _client = new OciClient(_http, _registry.Host, insecure: true, credentials: null);
        _store = new ArtifactStore(_temp.Combine("store"), _time);
        _reconciler = new OciRepositoryReconciler(_http, _store,
            new SourceReconcilerOptions { ArtifactBaseUrl = BaseUrl, WorkDirectory = _temp.Combine("work") }, _time);
    }

    public async Task DisposeAsync()
    {
        await _registry.DisposeAsync();
        _http.Dispose();
        _temp.Dispose();
    }

    private OciRepository Repository(OciRepositoryRef? reference = null, OciLayerSelector? layerSelector = null, string? url = null) => new()
    {
        Metadata = new V1ObjectMeta { Name = "app", NamespaceProperty = "apps", Generation = 2 },
        Spec = new OciRepositorySpec
        {
            Url = url ?? _registry.UrlFor("tide/app"),
            Interval = GoDuration.Parse("5m"),
            Reference = reference,
            LayerSelector = layerSelector,
            Insecure = true,
        },
    };

    /// <summary>Pushes a directory with the given files in Flux's format; returns the digest the registry reports.</summary>
    private async Task<string> PushAsync(string tag, params (string Path, string Content)[] files)
    {
        var directory = "push-" + Guid.NewGuid().ToString("N");
        Directory.CreateDirectory(_temp.Combine(directory));
        foreach (var (path, content) in files)
            _temp.Write($"{directory}/{path}", content);
        directory = _temp.Combine(directory);
        await FluxArtifact.PushAsync(_client, OciReference.Parse(_registry.UrlFor("tide/app") + ":" + tag), directory,
            "https://github.com/example/app", "main@sha1:0123456789abcdef0123456789abcdef01234567", _time.GetUtcNow(), CancellationToken.None);
        return await RegistryDigestAsync(tag);
    }

    /// <summary>The manifest digest as the registry itself reports it (Docker-Content-Digest).</summary>
    private async Task<string> RegistryDigestAsync(string tag)
    {
        using var request = new HttpRequestMessage(HttpMethod.Head, $"http://{_registry.Host}/v2/tide/app/manifests/{tag}");
        request.Headers.Accept.ParseAdd(FluxArtifactTypes.ManifestMediaType);
        using var response = await _http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return response.Headers.GetValues("Docker-Content-Digest").Single();
    }

    private async Task<IReadOnlyDictionary<string, string>> UnpackedAsync(Artifact artifact)
    {
        var target = _temp.Combine("unpacked-" + Guid.NewGuid().ToString("N"));
        await using (var file = _store.Open(artifact.Path))
            await TarballUnpacker.UnpackAsync(file, target, UnpackLimits.Default, CancellationToken.None);
        return Directory.EnumerateFiles(target, "*", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(target, f).Replace('\\', '/'), File.ReadAllText);
    }

    private static Condition Get(OciRepositoryStatus status, string type) => status.Conditions!.Single(c => c.Type == type);

    [Fact]
    public async Task Reconcile_Tag_StoresLayerWithFluxRevisionAndAnnotations()
    {
        var digest = await PushAsync("v1.0.0", ("deploy/app.yaml", "kind: ConfigMap\n"), ("logo.png", "binary"));

        var result = await _reconciler.ReconcileAsync(Repository(new OciRepositoryRef { Tag = "v1.0.0" }), ReferencedSecrets.None, CancellationToken.None);

        var artifact = result.Status.Artifact!;
        var revision = $"v1.0.0@{digest}";
        Assert.Equal(revision, artifact.Revision);
        Assert.StartsWith("ocirepository/apps/app/", artifact.Path);
        Assert.Equal(BaseUrl + "/" + artifact.Path, artifact.Url);
        Assert.Equal(artifact.Url, result.Status.Url);
        Assert.Equal("sha256:" + Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(_store.LocalPath(artifact.Path)))), artifact.Digest);
        // Flux's default ignore rules drop images when repacking an extracted layer.
        Assert.Equal(new Dictionary<string, string> { ["deploy/app.yaml"] = "kind: ConfigMap\n" }, await UnpackedAsync(artifact));
        Assert.Equal("https://github.com/example/app", artifact.Metadata![FluxArtifactTypes.SourceAnnotation]);
        Assert.Equal("main@sha1:0123456789abcdef0123456789abcdef01234567", artifact.Metadata[FluxArtifactTypes.RevisionAnnotation]);
        Assert.Equal("2025-06-01T12:00:00Z", artifact.Metadata[FluxArtifactTypes.CreatedAnnotation]);

        var ready = Get(result.Status, ConditionTypes.Ready);
        Assert.Equal((ConditionStatus.True, ConditionReasons.Succeeded, $"stored artifact for digest '{revision}'"), (ready.Status, ready.Reason, ready.Message));
        Assert.Equal(ConditionStatus.True, Get(result.Status, ConditionTypes.ArtifactInStorage).Status);
        Assert.DoesNotContain(result.Status.Conditions!, c => c.Type is ConditionTypes.Reconciling or ConditionTypes.Stalled or ConditionTypes.FetchFailed);
        Assert.Equal(2, result.Status.ObservedGeneration);
        var stored = Assert.Single(result.Events);
        Assert.Equal(
            $"stored artifact with revision '{revision}' from '{_registry.UrlFor("tide/app")}', origin source 'https://github.com/example/app', " +
            "origin revision 'main@sha1:0123456789abcdef0123456789abcdef01234567'", stored.Message);
        Assert.Equal(ConditionReasons.NewArtifact, stored.Reason);
        Assert.Equal(Requeue.AfterInterval(TimeSpan.FromMinutes(5)), result.Requeue);
    }

    [Fact]
    public async Task Reconcile_SameLayerForAnotherRepository_CopiesThePackedArtifactWithoutPullingTheLayerAgain()
    {
        await PushAsync("v1", ("deploy/app.yaml", "kind: ConfigMap\n"));
        var blobs = new CountingHandler(new HttpClientHandler());
        using var http = new HttpClient(blobs);
        var reconciler = new OciRepositoryReconciler(http, _store,
            new SourceReconcilerOptions { ArtifactBaseUrl = BaseUrl, WorkDirectory = _temp.Combine("work") }, _time);
        var tag = new OciRepositoryRef { Tag = "v1" };

        var first = (await reconciler.ReconcileAsync(Repository(tag), ReferencedSecrets.None, CancellationToken.None)).Status.Artifact!;
        var other = Repository(tag) with { Metadata = new V1ObjectMeta { Name = "other", NamespaceProperty = "apps", Generation = 1 } };
        var second = (await reconciler.ReconcileAsync(other, ReferencedSecrets.None, CancellationToken.None)).Status.Artifact!;
        var ignoring = Repository(tag) with
        {
            Metadata = new V1ObjectMeta { Name = "ignoring", NamespaceProperty = "apps", Generation = 1 },
            Spec = Repository(tag).Spec with { Ignore = "deploy/" },
        };
        var third = (await reconciler.ReconcileAsync(ignoring, ReferencedSecrets.None, CancellationToken.None)).Status.Artifact!;

        Assert.Equal(first.Digest, second.Digest);
        Assert.StartsWith("ocirepository/apps/other/", second.Path);
        Assert.Equal(new Dictionary<string, string> { ["deploy/app.yaml"] = "kind: ConfigMap\n" }, await UnpackedAsync(second));
        // Other ignore rules make another tree: that one is pulled and packed.
        Assert.NotEqual(first.Digest, third.Digest);
        Assert.Equal(2, blobs.LayerPulls);
    }

    /// <summary>Counts the requests for blobs other than the (two-byte) Flux config.</summary>
    private sealed class CountingHandler(HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        private int _layerPulls;

        public int LayerPulls => _layerPulls;

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            if (request.Method == HttpMethod.Get && request.RequestUri!.AbsolutePath.Contains("/blobs/", StringComparison.Ordinal) &&
                response.Content.Headers.ContentLength is > 2)
                Interlocked.Increment(ref _layerPulls);
            return response;
        }
    }

    [Fact]
    public async Task Reconcile_NoReference_PullsLatest()
    {
        await PushAsync("v1", ("a.yaml", "old"));
        var latest = await PushAsync("latest", ("a.yaml", "new"));

        var result = await _reconciler.ReconcileAsync(Repository(), ReferencedSecrets.None, CancellationToken.None);

        Assert.Equal($"latest@{latest}", result.Status.Artifact!.Revision);
        Assert.Equal("new", (await UnpackedAsync(result.Status.Artifact))["a.yaml"]);
    }

    [Fact]
    public async Task Reconcile_Semver_PicksHighestTagInRangeAndFilter()
    {
        foreach (var tag in new[] { "1.0.0", "v1.2.0", "1.3.0-rc.1", "2.0.0", "1.1.0-dev" })
            await PushAsync(tag, ("version.txt", tag));
        var expected = await RegistryDigestAsync("v1.2.0");

        var inRange = await _reconciler.ReconcileAsync(Repository(new OciRepositoryRef { Semver = ">=1.0.0 <2.0.0" }), ReferencedSecrets.None, CancellationToken.None);
        var filtered = await _reconciler.ReconcileAsync(
            Repository(new OciRepositoryRef { Semver = ">=1.0.0-0", SemverFilter = ".*-dev$" }), ReferencedSecrets.None, CancellationToken.None);

        Assert.Equal($"v1.2.0@{expected}", inRange.Status.Artifact!.Revision);
        Assert.Equal("1.1.0-dev", (await UnpackedAsync(filtered.Status.Artifact!))["version.txt"]);
    }

    [Fact]
    public async Task Reconcile_Digest_RevisionIsTheDigest()
    {
        var first = await PushAsync("main", ("a.yaml", "1"));
        await PushAsync("main", ("a.yaml", "2"));

        var result = await _reconciler.ReconcileAsync(Repository(new OciRepositoryRef { Digest = first, Tag = "main" }), ReferencedSecrets.None, CancellationToken.None);

        Assert.Equal(first, result.Status.Artifact!.Revision);
        Assert.Equal("1", (await UnpackedAsync(result.Status.Artifact))["a.yaml"]);
    }

    [Fact]
    public async Task Reconcile_TagMovesOrNot_NewArtifactOnlyWhenTheDigestChanges()
    {
        await PushAsync("main", ("a.yaml", "1"));
        var first = await _reconciler.ReconcileAsync(Repository(new OciRepositoryRef { Tag = "main" }), ReferencedSecrets.None, CancellationToken.None);
        _time.Advance(TimeSpan.FromMinutes(5));

        var unchanged = await _reconciler.ReconcileAsync(
            Repository(new OciRepositoryRef { Tag = "main" }) with { Status = first.Status }, ReferencedSecrets.None, CancellationToken.None);
        var moved = await PushAsync("main", ("a.yaml", "2"));
        var changed = await _reconciler.ReconcileAsync(
            Repository(new OciRepositoryRef { Tag = "main" }) with { Status = unchanged.Status }, ReferencedSecrets.None, CancellationToken.None);

        Assert.Equal(first.Status.Artifact, unchanged.Status.Artifact);
        Assert.Empty(unchanged.Events);
        Assert.Equal($"main@{moved}", changed.Status.Artifact!.Revision);
        Assert.NotEqual(first.Status.Artifact!.Digest, changed.Status.Artifact.Digest);
        Assert.Equal(ConditionReasons.NewArtifact, Assert.Single(changed.Events).Reason);
    }

    [Fact]
    public async Task Reconcile_LayerSelectorCopy_StoresTheLayerBlobAsIs()
    {
        await PushAsync("main", ("a.yaml", "1"));
        var manifest = await _client.GetManifestAsync("tide/app", "main", CancellationToken.None);
        var selector = new OciLayerSelector { MediaType = FluxArtifactTypes.ContentMediaType, Operation = OciLayerSelector.Copy };

        var result = await _reconciler.ReconcileAsync(Repository(new OciRepositoryRef { Tag = "main" }, selector), ReferencedSecrets.None, CancellationToken.None);

        Assert.Equal(manifest.Layers[0].Digest, result.Status.Artifact!.Digest);
        Assert.Equal(selector, result.Status.ObservedLayerSelector);
    }

    [Fact]
    public async Task Reconcile_LayerMediaTypeAbsent_FailsWithLayerOperationFailed()
    {
        await PushAsync("main", ("a.yaml", "1"));

        var result = await _reconciler.ReconcileAsync(
            Repository(new OciRepositoryRef { Tag = "main" }, new OciLayerSelector { MediaType = "application/x-other" }), ReferencedSecrets.None, CancellationToken.None);

        var ready = Get(result.Status, ConditionTypes.Ready);
        Assert.Equal((ConditionStatus.False, OciRepository.LayerOperationFailedReason, "failed to find layer with media type 'application/x-other' in artifact"),
            (ready.Status, ready.Reason, ready.Message));
        Assert.Null(result.Status.Artifact);
    }

    [Fact]
    public async Task Reconcile_MissingTag_FailsAndRetriesWithBackoff()
    {
        var result = await _reconciler.ReconcileAsync(Repository(new OciRepositoryRef { Tag = "nope" }), ReferencedSecrets.None, CancellationToken.None);

        var ready = Get(result.Status, ConditionTypes.Ready);
        Assert.Equal((ConditionStatus.False, OciRepository.PullFailedReason), (ready.Status, ready.Reason));
        Assert.StartsWith("failed to determine artifact digest: GET http://", ready.Message);
        Assert.Contains("MANIFEST_UNKNOWN", ready.Message);
        Assert.Equal(ConditionStatus.True, Get(result.Status, ConditionTypes.FetchFailed).Status);
        Assert.Equal(ConditionReasons.ProgressingWithRetry, Get(result.Status, ConditionTypes.Reconciling).Reason);
        Assert.Equal(RequeueMode.Backoff, result.Requeue.Mode);
    }

    [Fact]
    public async Task Reconcile_UrlWithTag_IsStalled()
    {
        var result = await _reconciler.ReconcileAsync(Repository(url: _registry.UrlFor("tide/app") + ":v1"), ReferencedSecrets.None, CancellationToken.None);

        var stalled = Get(result.Status, ConditionTypes.Stalled);
        Assert.Equal($"URL validation failed for '{_registry.UrlFor("tide/app")}:v1': URL must not contain a tag; remove ':v1'", stalled.Message);
    }

    [Fact]
    public async Task Reconcile_UrlWithoutRepository_IsStalled()
    {
        var result = await _reconciler.ReconcileAsync(Repository(url: $"oci://{_registry.Host}"), ReferencedSecrets.None, CancellationToken.None);

        var stalled = Get(result.Status, ConditionTypes.Stalled);
        Assert.Equal((ConditionReasons.UrlInvalid, $"URL validation failed for 'oci://{_registry.Host}': URL must be in format 'oci://<domain>/<org>/<repo>'"),
            (stalled.Reason, stalled.Message));
        Assert.Equal(Requeue.OnChange, result.Requeue);
    }

    [Fact]
    public async Task Reconcile_LayerWithPathTraversal_IsRejectedAndNothingIsWrittenOutside()
    {
        var layer = new MemoryStream();
        await using (var gzip = new GZipStream(layer, CompressionLevel.Fastest, leaveOpen: true))
        await using (var tar = new TarWriter(gzip))
        {
            var entry = new PaxTarEntry(TarEntryType.RegularFile, "../escaped.yaml") { DataStream = new MemoryStream("x"u8.ToArray()) };
            await tar.WriteEntryAsync(entry);
        }
        await PushRawAsync("evil", layer.ToArray());

        var result = await _reconciler.ReconcileAsync(Repository(new OciRepositoryRef { Tag = "evil" }), ReferencedSecrets.None, CancellationToken.None);

        var ready = Get(result.Status, ConditionTypes.Ready);
        Assert.Equal((ConditionStatus.False, OciRepository.LayerOperationFailedReason), (ready.Status, ready.Reason));
        Assert.StartsWith("failed to extract layer contents from artifact:", ready.Message);
        Assert.Contains("../escaped.yaml", ready.Message);
        Assert.False(File.Exists(_temp.Combine("escaped.yaml")));
        Assert.Empty(Directory.EnumerateFileSystemEntries(_temp.Combine("work")));
    }

    [Fact]
    public async Task Reconcile_LayerWhoseGzipChecksumDoesNotMatch_IsRejected()
    {
        var layer = new MemoryStream();
        await using (var gzip = new GZipStream(layer, CompressionLevel.Fastest, leaveOpen: true))
        await using (var tar = new TarWriter(gzip))
            await tar.WriteEntryAsync(new PaxTarEntry(TarEntryType.RegularFile, "app.yaml") { DataStream = new MemoryStream("x"u8.ToArray()) });
        var corrupt = layer.ToArray();
        corrupt[^8] ^= 0xFF; // the CRC32 of the gzip trailer; the registry's digest is of these very bytes
        await PushRawAsync("corrupt", corrupt);

        var result = await _reconciler.ReconcileAsync(Repository(new OciRepositoryRef { Tag = "corrupt" }), ReferencedSecrets.None, CancellationToken.None);

        var ready = Get(result.Status, ConditionTypes.Ready);
        Assert.Equal((ConditionStatus.False, OciRepository.LayerOperationFailedReason,
                "failed to extract layer contents from artifact: refusing archive: the gzip stream is corrupt (its data, CRC32 or length does not match)"),
            (ready.Status, ready.Reason, ready.Message));
        Assert.Null(result.Status.Artifact);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_temp.Combine("work")));
    }

    /// <summary>Pushes a manifest with one Flux content layer of the given bytes, bypassing the packer.</summary>
    private async Task PushRawAsync(string tag, byte[] layer)
    {
        var layerDigest = OciClient.Sha256Digest(layer);
        var config = "{}"u8.ToArray();
        await _client.PushBlobAsync("tide/app", OciClient.Sha256Digest(config), () => new ByteArrayContent(config), CancellationToken.None);
        await _client.PushBlobAsync("tide/app", layerDigest, () => new ByteArrayContent(layer), CancellationToken.None);
        var manifest = $$"""
            {"schemaVersion":2,"mediaType":"{{FluxArtifactTypes.ManifestMediaType}}",
             "config":{"mediaType":"{{FluxArtifactTypes.ConfigMediaType}}","digest":"{{OciClient.Sha256Digest(config)}}","size":2},
             "layers":[{"mediaType":"{{FluxArtifactTypes.ContentMediaType}}","digest":"{{layerDigest}}","size":{{layer.Length}}}]}
            """;
        await _client.PushManifestAsync("tide/app", tag, System.Text.Encoding.UTF8.GetBytes(manifest), FluxArtifactTypes.ManifestMediaType, CancellationToken.None);
    }

    [Fact]
    public async Task Reconcile_LayerLargerThanTheLimit_IsRejected()
    {
        await PushAsync("latest", ("big.yaml", new string('x', 4096)));
        var limited = new OciRepositoryReconciler(_http, _store, new SourceReconcilerOptions
        {
            ArtifactBaseUrl = BaseUrl,
            WorkDirectory = _temp.Combine("work"),
            UnpackLimits = UnpackLimits.Default with { MaxTotalBytes = 1024 },
        }, _time);

        var result = await limited.ReconcileAsync(Repository(), ReferencedSecrets.None, CancellationToken.None);

        var ready = Get(result.Status, ConditionTypes.Ready);
        Assert.Equal((ConditionStatus.False, OciRepository.LayerOperationFailedReason), (ready.Status, ready.Reason));
        Assert.Contains("more than 1024 bytes", ready.Message);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_temp.Combine("work")));
    }
}
