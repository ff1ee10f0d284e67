using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using k8s.Models;
using Tide.Engine.Api;
using Tide.Engine.Artifacts;
using Tide.Engine.Reconcilers;
using Tide.Engine.Sources.Bucket;
using Tide.Testing;

namespace Tide.Engine.Tests.Sources.Bucket;

/// <summary>
/// The Bucket reconciler with provider azure against Azurite's Blob service. Azurite checks every Shared Key and SAS
/// signature, so a signing mistake fails the setup uploads as well as the reconciles.
/// </summary>
public sealed class AzureBucketReconcilerTests : IAsyncLifetime
{
    private const string BaseUrl = "http://127.0.0.1:9090";
    private const string Container = "manifests";
    private readonly TempDirectory _temp = new();
    // Shared Key requests carry this clock's time and Azurite refuses a large skew.
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private readonly HttpClient _http = new();
    private AzuriteServer _azurite = null!;
    private AzureBlobClient _admin = null!;
    private ArtifactStore _store = null!;
    private BucketReconciler _reconciler = null!;

    public async Task InitializeAsync()
    {
        _azurite = await AzuriteServer.StartAsync();
        _admin = new AzureBlobClient(_http, new Uri(_azurite.Endpoint),
            AzureSharedKey.Create(AzuriteServer.AccountName, AzuriteServer.AccountKey), null, TimeProvider.System);
        await _admin.CreateContainerAsync(Container, publicRead: false, CancellationToken.None);
        _store = new ArtifactStore(_temp.Combine("store"), _time);
        _reconciler = new BucketReconciler(_http, _store,
            new SourceReconcilerOptions { ArtifactBaseUrl = BaseUrl, WorkDirectory = _temp.Combine("work") }, _time);
    }

    public async Task DisposeAsync()
    {
        await _azurite.DisposeAsync();
        _http.Dispose();
        _temp.Dispose();
    }

    private Engine.Api.Bucket Bucket(string? prefix = null, string container = Container, bool withSecret = true) => new()
    {
        Metadata = new V1ObjectMeta { Name = "blobs", NamespaceProperty = "apps", Generation = 2 },
        Spec = new BucketSpec
        {
            Provider = "azure",
            BucketName = container,
            Endpoint = _azurite.Endpoint,
            Prefix = prefix,
            SecretRef = withSecret ? new LocalObjectReference { Name = "azure-key" } : null,
            Interval = GoDuration.Parse("10m"),
        },
    };

    private static ReferencedSecrets Secret(params (string Key, string Value)[] data) => new()
    {
        Auth = data.ToDictionary(d => d.Key, d => Encoding.UTF8.GetBytes(d.Value)),
    };

    private static ReferencedSecrets AccountKey(string key = AzuriteServer.AccountKey) => Secret(("accountKey", key));

    /// <summary>Uploads a blob and returns (key, the ETag Azurite answered the upload with).</summary>
    private async Task<(string Key, string ETag)> PutAsync(string key, string content, string container = Container) =>
        (key, await _admin.PutBlobAsync(container, key, Encoding.UTF8.GetBytes(content), CancellationToken.None));

    /// <summary>Flux's revision from first principles: "key etag\n" lines in key order hashed with SHA-256, the
    /// ETag as Azure's ETag header gives it (source-controller indexes the ETags its downloads answer with).</summary>
    private static string ExpectedRevision(params (string Key, string ETag)[] blobs)
    {
        var lines = string.Concat(blobs.OrderBy(b => b.Key, StringComparer.Ordinal).Select(b => $"{b.Key} {b.ETag}\n"));
        return "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(lines)));
    }

    /// <summary>A service SAS for the container (signed version 2018-03-28: permissions, start, expiry,
    /// "/blob/&lt;account&gt;/&lt;container&gt;", identifier, IP, protocol, version and five empty response headers).</summary>
    private string ContainerSas(string container, string permissions)
    {
        var expiry = _time.GetUtcNow().AddHours(1).UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
        const string version = "2018-03-28";
        var stringToSign = string.Join('\n', permissions, "", expiry, $"/blob/{AzuriteServer.AccountName}/{container}", "", "", "", version, "", "", "", "", "");
        var signature = Convert.ToBase64String(HMACSHA256.HashData(Convert.FromBase64String(AzuriteServer.AccountKey), Encoding.UTF8.GetBytes(stringToSign)));
        return $"sv={version}&sr=c&sp={permissions}&se={Uri.EscapeDataString(expiry)}&sig={Uri.EscapeDataString(signature)}";
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
    public async Task Reconcile_AccountKey_BlobsUnderPrefixBecomeTheArtifact()
    {
        var app = await PutAsync("apps/app.yaml", "kind: ConfigMap\n");
        var db = await PutAsync("apps/sub dir/db.yaml", "kind: Secret\n");
        await PutAsync("other/skip.yaml", "no");

        var result = await _reconciler.ReconcileAsync(Bucket(prefix: "apps/"), AccountKey(), CancellationToken.None);

        var artifact = result.Status.Artifact!;
        var revision = ExpectedRevision(app, db);
        Assert.Equal(revision, artifact.Revision);
        Assert.Equal(new Dictionary<string, string> { ["apps/app.yaml"] = "kind: ConfigMap\n", ["apps/sub dir/db.yaml"] = "kind: Secret\n" },
            await UnpackedAsync(artifact));
        var ready = Get(result.Status, ConditionTypes.Ready);
        Assert.Equal((ConditionStatus.True, ConditionReasons.Succeeded, $"stored artifact for revision '{revision}'"), (ready.Status, ready.Reason, ready.Message));
        Assert.Equal(2, result.Status.ObservedGeneration);
        var stored = Assert.Single(result.Events);
        Assert.Equal((ConditionReasons.NewArtifact, "stored artifact with 2 fetched files from 'manifests' bucket"), (stored.Reason, stored.Message));
        Assert.Equal(Requeue.AfterInterval(TimeSpan.FromMinutes(10)), result.Requeue);
    }

    [Fact]
    public async Task Reconcile_ChangedBlob_ChangesRevision_UnchangedContainerKeepsIt()
    {
        await PutAsync("app.yaml", "v1");
        var first = await _reconciler.ReconcileAsync(Bucket(), AccountKey(), CancellationToken.None);
        _time.Advance(TimeSpan.FromMinutes(1));

        var unchanged = await _reconciler.ReconcileAsync(Bucket() with { Status = first.Status }, AccountKey(), CancellationToken.None);
        var v2 = await PutAsync("app.yaml", "v2");
        var changed = await _reconciler.ReconcileAsync(Bucket() with { Status = unchanged.Status }, AccountKey(), CancellationToken.None);

        Assert.Equal(first.Status.Artifact, unchanged.Status.Artifact);
        Assert.Empty(unchanged.Events);
        Assert.Equal(ExpectedRevision(v2), changed.Status.Artifact!.Revision);
        Assert.NotEqual(first.Status.Artifact!.Revision, changed.Status.Artifact.Revision);
        Assert.Equal("v2", (await UnpackedAsync(changed.Status.Artifact))["app.yaml"]);
        Assert.Equal(ConditionReasons.NewArtifact, Assert.Single(changed.Events).Reason);
    }

    [Fact]
    public async Task Reconcile_SasKey_ReadsTheContainer()
    {
        var app = await PutAsync("app.yaml", "a");

        var result = await _reconciler.ReconcileAsync(Bucket(), Secret(("sasKey", "?" + ContainerSas(Container, "rl"))), CancellationToken.None);

        Assert.Equal(ExpectedRevision(app), result.Status.Artifact!.Revision);
        Assert.Equal("a", (await UnpackedAsync(result.Status.Artifact))["app.yaml"]);
    }

    [Fact]
    public async Task Reconcile_SasInTheEndpoint_IsUsedWithoutSecret_AndTheSasKeysParametersWinOverIt()
    {
        var app = await PutAsync("app.yaml", "a");
        var sas = ContainerSas(Container, "rl");
        var bogus = ContainerSas("elsewhere", "rl");

        var inEndpoint = await _reconciler.ReconcileAsync(
            Bucket(withSecret: false) with { Spec = Bucket().Spec with { SecretRef = null, Endpoint = $"{_azurite.Endpoint}?{sas}" } },
            ReferencedSecrets.None, CancellationToken.None);
        var overridden = await _reconciler.ReconcileAsync(
            Bucket() with { Spec = Bucket().Spec with { Endpoint = $"{_azurite.Endpoint}?{bogus}" } },
            Secret(("sasKey", sas)), CancellationToken.None);

        Assert.Equal(ExpectedRevision(app), inEndpoint.Status.Artifact?.Revision);
        Assert.Equal(ExpectedRevision(app), overridden.Status.Artifact?.Revision);
    }

    [Fact]
    public async Task Reconcile_SasForAnotherContainer_SaysTheBucketMayBeWrongWithoutShowingTheToken()
    {
        var sas = ContainerSas("elsewhere", "rl");

        var result = await _reconciler.ReconcileAsync(Bucket(), Secret(("sasKey", sas)), CancellationToken.None);

        var ready = Get(result.Status, ConditionTypes.Ready);
        Assert.Equal((ConditionStatus.False, Engine.Api.Bucket.OperationFailedReason), (ready.Status, ready.Reason));
        Assert.StartsWith("failed to confirm existence of 'manifests' bucket: the specified bucket name may be incorrect, nonexistent, " +
            "or the caller might lack sufficient permissions to access it: GET ", ready.Message);
        Assert.Contains(": 403 ", ready.Message);
        Assert.DoesNotContain("sig=", ready.Message);
        Assert.Equal(RequeueMode.Backoff, result.Requeue.Mode);
    }

    [Fact]
    public async Task Reconcile_WrongAccountKey_FailsWithTheServersErrorAndNoKey()
    {
        var wrong = Convert.ToBase64String(SHA512.HashData("not the key"u8));

        var result = await _reconciler.ReconcileAsync(Bucket(), AccountKey(wrong), CancellationToken.None);

        var ready = Get(result.Status, ConditionTypes.Ready);
        Assert.Equal((ConditionStatus.False, Engine.Api.Bucket.OperationFailedReason), (ready.Status, ready.Reason));
        Assert.StartsWith("failed to confirm existence of 'manifests' bucket: the specified bucket name may be incorrect", ready.Message);
        Assert.Contains(": 403 AuthorizationFailure: Server failed to authenticate the request.", ready.Message);
        Assert.DoesNotContain(wrong, ready.Message);
        Assert.Equal(ConditionStatus.True, Get(result.Status, ConditionTypes.FetchFailed).Status);
        Assert.Null(result.Status.Artifact);
    }

    [Fact]
    public async Task Reconcile_MissingContainer_FailsWithNotFoundAndRetries()
    {
        var result = await _reconciler.ReconcileAsync(Bucket(container: "nope"), AccountKey(), CancellationToken.None);

        var ready = Get(result.Status, ConditionTypes.Ready);
        Assert.Equal((ConditionStatus.False, Engine.Api.Bucket.OperationFailedReason, "bucket 'nope' not found"), (ready.Status, ready.Reason, ready.Message));
        Assert.Equal(RequeueMode.Backoff, result.Requeue.Mode);
        Assert.Equal(ReconcileEvent.Warning, Assert.Single(result.Events).Type);
    }

    [Fact]
    public async Task Reconcile_AzureAdCredentialsOrWorkloadIdentity_AreRefusedUntilTheObjectChanges()
    {
        var cases = new (Engine.Api.Bucket Bucket, ReferencedSecrets Secrets)[]
        {
            (Bucket(), Secret(("tenantId", "t"), ("clientId", "c"), ("clientSecret", "s"))),
            (Bucket(), Secret(("tenantId", "t"), ("clientId", "c"), ("clientCertificate", "pem"))),
            (Bucket(), Secret(("clientId", "managed-identity"))),
            (Bucket(withSecret: false) with { Spec = Bucket().Spec with { SecretRef = null, ServiceAccountName = "reader" } }, ReferencedSecrets.None),
        };

        foreach (var (bucket, secrets) in cases)
        {
            var result = await _reconciler.ReconcileAsync(bucket, secrets, CancellationToken.None);

            var stalled = Get(result.Status, ConditionTypes.Stalled);
            Assert.Equal(ConditionReasons.AuthenticationFailed, stalled.Reason);
            Assert.Contains("not supported by Tide: use", stalled.Message);
            Assert.Equal(Requeue.OnChange, result.Requeue);
            Assert.Equal(2, result.Status.ObservedGeneration);
        }
    }

    [Fact]
    public async Task Reconcile_SecretWithoutAKnownField_FailsWithFluxsMessage()
    {
        var result = await _reconciler.ReconcileAsync(Bucket(), Secret(("accesskey", "x")), CancellationToken.None);

        var ready = Get(result.Status, ConditionTypes.Ready);
        Assert.Equal((ConditionReasons.AuthenticationFailed,
            "invalid 'azure-key' secret data: requires a 'clientId' or 'accountKey' field, a combination of 'tenantId', 'clientId' and 'clientSecret', or 'tenantId', 'clientId' and 'clientCertificate'"),
            (ready.Reason, ready.Message));
    }

    [Fact]
    public async Task Reconcile_EndpointThatIsNoHttpUrl_IsStalledWithUrlInvalid_KeyNotBase64_FailsAuthentication()
    {
        var ftp = await _reconciler.ReconcileAsync(Bucket() with { Spec = Bucket().Spec with { Endpoint = "ftp://127.0.0.1/devstoreaccount1" } },
            AccountKey(), CancellationToken.None);
        var notBase64 = await _reconciler.ReconcileAsync(Bucket(), AccountKey("not base64!"), CancellationToken.None);

        Assert.Equal((ConditionReasons.UrlInvalid, "invalid endpoint 'ftp://127.0.0.1/devstoreaccount1': want the account's blob service URL"),
            (Get(ftp.Status, ConditionTypes.Stalled).Reason, Get(ftp.Status, ConditionTypes.Stalled).Message));
        var ready = Get(notBase64.Status, ConditionTypes.Ready);
        Assert.Equal((ConditionReasons.AuthenticationFailed, "failed to create shared credential from 'azure-key' Secret data: the account key is not base64"),
            (ready.Reason, ready.Message));
    }

    [Fact]
    public async Task Reconcile_AccountKeyWithoutAnAccountInTheEndpoint_FailsToExtractTheAccountName()
    {
        var bucket = Bucket() with { Spec = Bucket().Spec with { Endpoint = "http://storage.local:10000" } };

        var result = await _reconciler.ReconcileAsync(bucket, AccountKey(), CancellationToken.None);

        Assert.Equal("failed to create shared credential from 'azure-key' Secret data: failed to extract account name from endpoint: expected 'storage.local' to be a subdomain",
            Get(result.Status, ConditionTypes.Ready).Message);
    }

    [Fact]
    public async Task Index_FromTheListing_HasTheRevisionOfTheDownloads_SoAnUnchangedContainerIsNotFetchedAgain()
    {
        var app = await PutAsync("app.yaml", "a");
        var client = new AzureBlobClient(_http, new Uri(_azurite.Endpoint),
            AzureSharedKey.Create(AzuriteServer.AccountName, AzuriteServer.AccountKey), null, _time);

        var index = await BucketFetcher.IndexAsync(client, Container, null, null, _temp.Combine("index"), CancellationToken.None);

        Assert.Equal(ExpectedRevision(app), index.Revision());
    }

    [Fact]
    public async Task List_FollowsNextMarkerAcrossPages()
    {
        foreach (var name in new[] { "a", "b", "c", "d", "e" })
            await PutAsync($"p/{name}.yaml", name);
        var client = new AzureBlobClient(_http, new Uri(_azurite.Endpoint),
            AzureSharedKey.Create(AzuriteServer.AccountName, AzuriteServer.AccountKey), null, _time, pageSize: 2);

        var objects = await client.ListObjectsAsync(Container, "p/", CancellationToken.None);

        Assert.Equal(["p/a.yaml", "p/b.yaml", "p/c.yaml", "p/d.yaml", "p/e.yaml"], objects.Select(o => o.Key));
    }

    [Fact]
    public async Task Reconcile_WithoutSecret_ReadsAPublicContainer_NotAPrivateOne()
    {
        await _admin.CreateContainerAsync("public", publicRead: true, CancellationToken.None);
        var app = await PutAsync("app.yaml", "a", container: "public");
        await PutAsync("app.yaml", "a");

        var open = await _reconciler.ReconcileAsync(Bucket(container: "public", withSecret: false), ReferencedSecrets.None, CancellationToken.None);
        var closed = await _reconciler.ReconcileAsync(Bucket(withSecret: false), ReferencedSecrets.None, CancellationToken.None);

        Assert.Equal(ExpectedRevision(app), open.Status.Artifact!.Revision);
        Assert.Null(closed.Status.Artifact);
        Assert.StartsWith("failed to confirm existence of 'manifests' bucket:", Get(closed.Status, ConditionTypes.Ready).Message);
    }
}
