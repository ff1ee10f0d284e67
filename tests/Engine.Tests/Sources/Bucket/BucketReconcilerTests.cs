using System.Security.Cryptography;
using System.Text;
using k8s.Models;
using Tide.Engine.Api;
using Tide.Engine.Artifacts;
using Tide.Engine.Reconcilers;
using Tide.Testing;

namespace Tide.Engine.Tests.Sources.Bucket;

/// <summary>The Bucket reconciler against s3rver, with objects uploaded by curl.</summary>
public sealed class BucketReconcilerTests : IAsyncLifetime
{
    private const string BaseUrl = "http://127.0.0.1:9090";
    private readonly TempDirectory _temp = new();
    // Requests are signed with this clock and the server refuses a skew of more than 15 minutes.
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private readonly HttpClient _http = new();
    private S3Server _s3 = null!;
    private ArtifactStore _store = null!;
    private BucketReconciler _reconciler = null!;

    public async Task InitializeAsync()
    {
        _s3 = await S3Server.StartAsync("manifests");
        _store = new ArtifactStore(_temp.Combine("store"), _time);
        _reconciler = new BucketReconciler(_http, _store,
            new SourceReconcilerOptions { ArtifactBaseUrl = BaseUrl, WorkDirectory = _temp.Combine("work") }, _time);
    }

    public async Task DisposeAsync()
    {
        await _s3.DisposeAsync();
        _http.Dispose();
        _temp.Dispose();
    }

    private Engine.Api.Bucket Bucket(string? prefix = null, string? ignore = null, string? bucketName = null, string? provider = null, bool withSecret = true) => new()
    {
        Metadata = new V1ObjectMeta { Name = "objects", NamespaceProperty = "apps", Generation = 4 },
        Spec = new BucketSpec
        {
            BucketName = bucketName ?? _s3.Bucket,
            Endpoint = _s3.Endpoint,
            Insecure = true,
            Prefix = prefix,
            Ignore = ignore,
            Provider = provider,
            SecretRef = withSecret ? new LocalObjectReference { Name = "s3-keys" } : null,
            Interval = GoDuration.Parse("10m"),
        },
    };

    private static ReferencedSecrets Secret(string accessKey = S3Server.AccessKey, string secretKey = S3Server.SecretKey) => new()
    {
        Auth = new Dictionary<string, byte[]>
        {
            ["accesskey"] = Encoding.UTF8.GetBytes(accessKey),
            ["secretkey"] = Encoding.UTF8.GetBytes(secretKey),
        },
    };

    /// <summary>Flux's revision computed from first principles: S3's ETag of a single-part upload is the MD5 of the
    /// content, and the revision hashes "key etag\n" lines in key order.</summary>
    private static string ExpectedRevision(params (string Key, string Content)[] objects)
    {
        var lines = string.Concat(objects.OrderBy(o => o.Key, StringComparer.Ordinal)
            .Select(o => $"{o.Key} {Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes(o.Content)))}\n"));
        return "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(lines)));
    }

    private async Task<IReadOnlyDictionary<string, string>> UnpackedAsync(Artifact artifact)
    {
        var target = _temp.Combine("unpacked-" + Guid.NewGuid().ToString("N"));
        await using (var file = _store.Open(artifact.Path))
            await TarballUnpacker.UnpackAsync(file, target, UnpackLimits.Default, CancellationToken.None);
        return Directory.EnumerateFiles(target, "*", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(target, f).Replace('\\', '/'), File.ReadAllText);
    }

    private static Condition Get(BucketStatus status, string type) => status.Conditions!.Single(c => c.Type == type);

    [Fact]
    public async Task Reconcile_ObjectsUnderPrefix_BecomeTheArtifact()
    {
        await _s3.PutAsync("apps/app.yaml", "kind: ConfigMap\n");
        await _s3.PutAsync("apps/sub dir/db.yaml", "kind: Secret\n");
        await _s3.PutAsync("other/skip.yaml", "no");

        var result = await _reconciler.ReconcileAsync(Bucket(prefix: "apps/"), Secret(), CancellationToken.None);

        var artifact = result.Status.Artifact!;
        var revision = ExpectedRevision(("apps/app.yaml", "kind: ConfigMap\n"), ("apps/sub dir/db.yaml", "kind: Secret\n"));
        Assert.Equal(revision, artifact.Revision);
        Assert.Equal(new Dictionary<string, string> { ["apps/app.yaml"] = "kind: ConfigMap\n", ["apps/sub dir/db.yaml"] = "kind: Secret\n" },
            await UnpackedAsync(artifact));
        Assert.StartsWith("bucket/apps/objects/", artifact.Path);
        Assert.Equal(BaseUrl + "/" + artifact.Path, result.Status.Url);
        var ready = Get(result.Status, ConditionTypes.Ready);
        Assert.Equal((ConditionStatus.True, ConditionReasons.Succeeded, $"stored artifact for revision '{revision}'"), (ready.Status, ready.Reason, ready.Message));
        Assert.Equal(ConditionStatus.True, Get(result.Status, ConditionTypes.ArtifactInStorage).Status);
        Assert.Equal(4, result.Status.ObservedGeneration);
        var stored = Assert.Single(result.Events);
        Assert.Equal((ConditionReasons.NewArtifact, "stored artifact with 2 fetched files from 'manifests' bucket"), (stored.Reason, stored.Message));
        Assert.Equal(Requeue.AfterInterval(TimeSpan.FromMinutes(10)), result.Requeue);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_temp.Combine("work")));
    }

    [Fact]
    public async Task Reconcile_ChangedObject_ChangesRevision_UnchangedBucketKeepsIt()
    {
        await _s3.PutAsync("app.yaml", "v1");
        var first = await _reconciler.ReconcileAsync(Bucket(), Secret(), CancellationToken.None);
        _time.Advance(TimeSpan.FromMinutes(1));

        var unchanged = await _reconciler.ReconcileAsync(Bucket() with { Status = first.Status }, Secret(), CancellationToken.None);
        await _s3.PutAsync("app.yaml", "v2");
        var changed = await _reconciler.ReconcileAsync(Bucket() with { Status = unchanged.Status }, Secret(), CancellationToken.None);

        Assert.Equal(first.Status.Artifact, unchanged.Status.Artifact);
        Assert.Empty(unchanged.Events);
        Assert.Equal(ExpectedRevision(("app.yaml", "v2")), changed.Status.Artifact!.Revision);
        Assert.NotEqual(first.Status.Artifact!.Revision, changed.Status.Artifact.Revision);
        Assert.Equal("v2", (await UnpackedAsync(changed.Status.Artifact))["app.yaml"]);
        Assert.Equal(ConditionReasons.NewArtifact, Assert.Single(changed.Events).Reason);
    }

    [Fact]
    public async Task Reconcile_SourceIgnoreObjectAndSpecIgnore_ExcludeObjectsFromIndexAndArtifact()
    {
        await _s3.PutAsync(".sourceignore", "*.md\n");
        await _s3.PutAsync("app.yaml", "a");
        await _s3.PutAsync("README.md", "docs");
        await _s3.PutAsync("secrets/key.yaml", "k");

        var result = await _reconciler.ReconcileAsync(Bucket(ignore: "secrets/"), Secret(), CancellationToken.None);

        Assert.Equal(ExpectedRevision(("app.yaml", "a")), result.Status.Artifact!.Revision);
        var files = await UnpackedAsync(result.Status.Artifact);
        Assert.Contains("app.yaml", files.Keys);
        Assert.DoesNotContain("README.md", files.Keys);
        Assert.DoesNotContain("secrets/key.yaml", files.Keys);
        Assert.Equal("secrets/", result.Status.ObservedIgnore);
    }

    [Fact]
    public async Task Reconcile_MissingBucket_FailsWithBucketOperationFailedAndRetries()
    {
        var result = await _reconciler.ReconcileAsync(Bucket(bucketName: "nope"), Secret(), CancellationToken.None);

        var ready = Get(result.Status, ConditionTypes.Ready);
        Assert.Equal((ConditionStatus.False, Engine.Api.Bucket.OperationFailedReason, "bucket 'nope' not found"), (ready.Status, ready.Reason, ready.Message));
        Assert.Equal(ConditionStatus.True, Get(result.Status, ConditionTypes.FetchFailed).Status);
        Assert.Equal(RequeueMode.Backoff, result.Requeue.Mode);
        Assert.Equal(ReconcileEvent.Warning, Assert.Single(result.Events).Type);
    }

    [Fact]
    public async Task Reconcile_UnknownAccessKey_ReportsTheServersError()
    {
        var result = await _reconciler.ReconcileAsync(Bucket(), Secret(accessKey: "NOBODY"), CancellationToken.None);

        var ready = Get(result.Status, ConditionTypes.Ready);
        Assert.Equal((ConditionStatus.False, Engine.Api.Bucket.OperationFailedReason), (ready.Status, ready.Reason));
        Assert.StartsWith("failed to confirm existence of 'manifests' bucket:", ready.Message);
        Assert.Contains("403", ready.Message);
    }

    [Fact]
    public async Task Reconcile_SecretWithoutKeys_FailsWithAuthenticationFailed()
    {
        var result = await _reconciler.ReconcileAsync(Bucket(), new ReferencedSecrets { Auth = new Dictionary<string, byte[]>() }, CancellationToken.None);

        var ready = Get(result.Status, ConditionTypes.Ready);
        Assert.Equal((ConditionReasons.AuthenticationFailed, "invalid 's3-keys' secret data: required fields 'accesskey' and 'secretkey'"),
            (ready.Reason, ready.Message));
    }

    [Fact]
    public async Task Reconcile_UnsupportedProviderOrSts_IsStalled()
    {
        var sts = Bucket() with { Spec = Bucket().Spec with { Sts = new BucketStsSpec { Provider = "ldap", Endpoint = "https://127.0.0.1:1" } } };

        foreach (var bucket in new[] { Bucket(provider: "gcp"), sts })
        {
            var result = await _reconciler.ReconcileAsync(bucket, Secret(), CancellationToken.None);

            Assert.Equal(Engine.Api.Bucket.OperationFailedReason, Get(result.Status, ConditionTypes.Stalled).Reason);
            Assert.Equal(Requeue.OnChange, result.Requeue);
        }
    }

    [Fact]
    public async Task Reconcile_Anonymous_ReadsAPublicBucket()
    {
        await _s3.PutAsync("app.yaml", "a");

        var result = await _reconciler.ReconcileAsync(Bucket(withSecret: false), ReferencedSecrets.None, CancellationToken.None);

        Assert.Equal(ExpectedRevision(("app.yaml", "a")), result.Status.Artifact!.Revision);
    }

    [Fact]
    public async Task Reconcile_MoreObjectsThanTheLimit_FailsWithoutAnArtifact()
    {
        await _s3.PutAsync("a.yaml", "a");
        await _s3.PutAsync("b.yaml", "b");
        var limited = new BucketReconciler(_http, _store, new SourceReconcilerOptions
        {
            ArtifactBaseUrl = BaseUrl,
            WorkDirectory = _temp.Combine("work"),
            UnpackLimits = UnpackLimits.Default with { MaxEntries = 1 },
        }, _time);

        var result = await limited.ReconcileAsync(Bucket(), Secret(), CancellationToken.None);

        var ready = Get(result.Status, ConditionTypes.Ready);
        Assert.Equal((Engine.Api.Bucket.OperationFailedReason, "fetch from bucket 'manifests' failed: more than 1 objects to fetch"), (ready.Reason, ready.Message));
        Assert.Null(result.Status.Artifact);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_temp.Combine("work")));
    }

    [Fact]
    public async Task Reconcile_AwsProviderWithRegion_ReadsTheBucket()
    {
        await _s3.PutAsync("app.yaml", "a");

        var result = await _reconciler.ReconcileAsync(
            Bucket() with { Spec = Bucket().Spec with { Provider = "aws", Region = "eu-west-1" } }, Secret(), CancellationToken.None);

        Assert.Equal(ExpectedRevision(("app.yaml", "a")), result.Status.Artifact!.Revision);
    }
}
