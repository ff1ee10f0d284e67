using Tide.Engine.Api;
using Tide.Engine.Artifacts;
using Tide.Engine.Sources;
using Tide.Engine.Sources.Bucket;
using static Tide.Engine.Reconcilers.SourceReconcileSteps;

namespace Tide.Engine.Reconcilers;

/// <summary>
/// Reconciles a Bucket as source-controller does for S3-compatible storage (providers generic and aws) and Azure
/// Blob storage (provider azure): index the
/// objects under the prefix by ETag, take the index digest as the revision, and when it (or spec.ignore) changed,
/// download the objects and pack them into a content-addressed artifact. Returns the new status with Flux's
/// conditions, the events to record and when to run again; the caller patches the status.
/// </summary>
public sealed class BucketReconciler(HttpClient http, ArtifactStore store, SourceReconcilerOptions options, TimeProvider time)
{
    /// <summary>The region requests are signed for when spec.region is empty (what S3-compatible servers expect).</summary>
    public const string DefaultRegion = "us-east-1";

    private readonly SourcePipeline _pipeline = new(store, options, time);

    /// <param name="secrets">The data of the Secrets spec.secretRef (accesskey and secretkey; for Azure accountKey or
    /// sasKey) and spec.certSecretRef name.</param>
    public async Task<ReconcileResult<BucketStatus>> ReconcileAsync(
        Api.Bucket bucket, ReferencedSecrets secrets, CancellationToken cancellationToken)
    {
        var previous = bucket.Status ?? new BucketStatus();
        if (bucket.Spec.Suspend == true)
            return new ReconcileResult<BucketStatus>(previous, [], Requeue.OnChange);

        var generation = bucket.Metadata.Generation ?? 0;
        using var origin = new Origin(this, http, options, bucket, secrets, previous);
        var outcome = await _pipeline.RunAsync(origin, Owner(bucket), generation, previous.Conditions, previous.Artifact,
            bucket.Spec.Interval, cancellationToken);
        var status = previous with
        {
            LastHandledReconcileAt = LastHandledReconcileAt(bucket.Metadata, previous.LastHandledReconcileAt),
            Conditions = outcome.Conditions,
            ObservedGeneration = outcome.Observed ? generation : previous.ObservedGeneration,
        };
        if (outcome.Rebuilt)
            status = status with { ObservedIgnore = bucket.Spec.Ignore };
        if (outcome.Artifact is { } artifact)
            status = status with { Artifact = artifact, Url = artifact.Url };
        return new ReconcileResult<BucketStatus>(status, outcome.Events, outcome.Requeue);
    }

    /// <summary>A bucket's objects: the index of their ETags (the revision), then the objects themselves.</summary>
    private sealed class Origin(BucketReconciler reconciler, HttpClient http, SourceReconcilerOptions options, Api.Bucket bucket,
        ReferencedSecrets secrets, BucketStatus previous) : SourceOrigin
    {
        private readonly string _tree = options.NewWorkDirectory("tide-bucket");
        private readonly CancellationTokenSource _timeout = new();
        private HttpClient? _tlsHttp;
        private IBucketClient? _client;
        private EtagIndex? _index;
        private int _count;

        private BucketSpec Spec => bucket.Spec;

        public override async Task<string> FetchAsync(SourceRun run, CancellationToken cancellationToken)
        {
            _tlsHttp = TlsClient(Spec.CertSecretRef, bucket.Metadata, secrets.Cert);
            _client = reconciler.Client(bucket, _tlsHttp ?? http, secrets.Auth);
            _timeout.CancelAfter(Spec.GetTimeout());
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _timeout.Token);
            _index = await TimedAsync(() => BucketFetcher.IndexAsync(_client, Spec.BucketName, Spec.Prefix, Spec.Ignore, _tree, linked.Token),
                cancellationToken);
            return _index.Revision();
        }

        public override bool ContentConfigChanged => Spec.Ignore != previous.ObservedIgnore;

        public override async Task<Artifact> BuildAsync(SourceRun run, CancellationToken cancellationToken)
        {
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _timeout.Token);
            _count = await TimedAsync(() => BucketFetcher.DownloadAsync(_client!, Spec.BucketName, _index!, _tree,
                options.UnpackLimits, linked.Token), cancellationToken);
            var stored = await run.Store.PutAsync(run.Owner, (stream, ct) => TarballPacker.PackAsync(_tree, stream, exclude: null, ct),
                cancellationToken);
            // The index follows what was fetched, so the revision names exactly the stored content.
            return run.ArtifactOf(stored, _index!.Revision());
        }

        public override string NewRevision(string revision) => $"new upstream revision '{revision}'";

        public override string NewArtifactMessage(Artifact built) => $"stored artifact with {_count} fetched files from '{Spec.BucketName}' bucket";

        public override string RecoveredMessage(Artifact artifact) => $"stored artifact for revision '{artifact.Revision}'";

        /// <summary>The spec's timeout ends a remote phase as Flux reports it.</summary>
        private async Task<T> TimedAsync<T>(Func<Task<T>> phase, CancellationToken cancellationToken)
        {
            try
            {
                return await phase();
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new ReconcileFailure(Api.Bucket.OperationFailedReason,
                    $"fetching bucket '{Spec.BucketName}' timed out after {new GoDuration(Spec.GetTimeout())}");
            }
        }

        public override void Dispose()
        {
            _tlsHttp?.Dispose();
            _timeout.Dispose();
            if (Directory.Exists(_tree))
                Directory.Delete(_tree, recursive: true);
        }
    }

    /// <summary>Cleans up after a deleted Bucket: its artifacts.</summary>
    public void Delete(Api.Bucket bucket) => store.DeleteAll(Owner(bucket));

    private static ArtifactOwner Owner(Api.Bucket bucket) =>
        new(Api.Bucket.KindName, bucket.Metadata.NamespaceProperty ?? "default", bucket.Metadata.Name);

    /// <summary>The client for the spec's provider: S3 (generic, aws) or Azure Blob.</summary>
    private IBucketClient Client(Api.Bucket bucket, HttpClient httpClient, IReadOnlyDictionary<string, byte[]>? secretData)
    {
        var provider = bucket.Spec.Provider ?? BucketSpec.GenericProvider;
        return provider == BucketSpec.AzureProvider ? AzureClient(bucket, httpClient, secretData) : S3Client(bucket, httpClient, secretData);
    }

    /// <summary>The S3 client for the spec: an endpoint given with http:// counts as insecure, and the secret's
    /// keys sign the requests.</summary>
    private S3Client S3Client(Api.Bucket bucket, HttpClient httpClient, IReadOnlyDictionary<string, byte[]>? secretData)
    {
        var spec = bucket.Spec;
        var provider = spec.Provider ?? BucketSpec.GenericProvider;
        if (provider is not (BucketSpec.GenericProvider or BucketSpec.AwsProvider))
            throw new ReconcileFailure(Api.Bucket.OperationFailedReason, $"provider '{provider}' is not supported by Tide", terminal: true);

        if (spec.Sts is not null)
            throw new ReconcileFailure(Api.Bucket.OperationFailedReason, "spec.sts is not supported by Tide yet", terminal: true);

        var endpoint = spec.Endpoint;
        var insecure = spec.Insecure == true;
        if (endpoint.StartsWith("http://", StringComparison.OrdinalIgnoreCase))
            (endpoint, insecure) = (endpoint["http://".Length..], true);
        else if (endpoint.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
            endpoint = endpoint["https://".Length..];
        if (endpoint.Length == 0 || endpoint.Contains('/'))
            throw new ReconcileFailure(ConditionReasons.UrlInvalid, $"invalid endpoint '{spec.Endpoint}': want host[:port]", terminal: true);

        S3Credentials? credentials = null;
        if (spec.SecretRef is { } secretRef)
        {
            if (secretData is null)
                throw new ReconcileFailure(ConditionReasons.AuthenticationFailed, SecretNotFound(bucket.Metadata, secretRef));
            credentials = S3Credentials.FromSecretData(secretData) ?? throw new ReconcileFailure(ConditionReasons.AuthenticationFailed,
                $"invalid '{secretRef.Name}' secret data: required fields '{S3Credentials.AccessKeyField}' and '{S3Credentials.SecretKeyField}'");
        }
        var region = string.IsNullOrEmpty(spec.Region) ? DefaultRegion : spec.Region;
        return new S3Client(httpClient, endpoint, insecure, region, credentials, time);
    }

    /// <summary>
    /// The Azure Blob client for the spec, with source-controller's reading of the secret: Azure AD credentials
    /// (tenantId, clientId, clientSecret or clientCertificate; clientId alone for a managed identity; authorityHost)
    /// come first and are refused here, as is workload identity; then 'accountKey' (Shared Key for the endpoint's
    /// account), then 'sasKey' (a SAS token added to every request). Without a secret, requests are anonymous.
    /// </summary>
    private AzureBlobClient AzureClient(Api.Bucket bucket, HttpClient httpClient, IReadOnlyDictionary<string, byte[]>? secretData)
    {
        var spec = bucket.Spec;
        var raw = spec.Endpoint.Contains("://", StringComparison.Ordinal)
            ? spec.Endpoint
            : (spec.Insecure == true ? "http://" : "https://") + spec.Endpoint;
        if (!Uri.TryCreate(raw, UriKind.Absolute, out var endpoint) || endpoint.Scheme is not ("http" or "https"))
            throw new ReconcileFailure(ConditionReasons.UrlInvalid, $"invalid endpoint '{spec.Endpoint}': want the account's blob service URL", terminal: true);
        if (!string.IsNullOrEmpty(spec.ServiceAccountName))
            throw new ReconcileFailure(ConditionReasons.AuthenticationFailed,
                "spec.serviceAccountName (Azure workload identity) is not supported by Tide: use a secretRef with 'accountKey' or 'sasKey'", terminal: true);
        if (spec.SecretRef is not { } secretRef)
            return new AzureBlobClient(httpClient, endpoint, null, null, time);
        if (secretData is null)
            throw new ReconcileFailure(ConditionReasons.AuthenticationFailed, SecretNotFound(bucket.Metadata, secretRef));

        bool Has(string key) => secretData.ContainsKey(key);
        string Text(string key) => System.Text.Encoding.UTF8.GetString(secretData[key]);
        if (!(Has("clientId") || Has("accountKey") || Has("sasKey") || Has("authorityHost")))
            throw new ReconcileFailure(ConditionReasons.AuthenticationFailed,
                $"invalid '{secretRef.Name}' secret data: requires a 'clientId' or 'accountKey' field, a combination of 'tenantId', 'clientId' and 'clientSecret', or 'tenantId', 'clientId' and 'clientCertificate'");
        // With a clientId source-controller always takes a token credential (service principal or managed
        // identity); a secret with only authorityHost has nothing else to authenticate with either.
        if (Has("clientId") || !(Has("accountKey") || Has("sasKey")))
            throw new ReconcileFailure(ConditionReasons.AuthenticationFailed,
                $"Azure AD credentials in '{secretRef.Name}' secret (service principal, managed identity) are not supported by Tide: use 'accountKey' or 'sasKey'", terminal: true);

        if (Has("accountKey"))
        {
            var failure = $"failed to create shared credential from '{secretRef.Name}' Secret data";
            var account = AzureBlobClient.AccountName(endpoint) ?? throw new ReconcileFailure(ConditionReasons.AuthenticationFailed,
                $"{failure}: failed to extract account name from endpoint: expected '{endpoint.Host}' to be a subdomain");
            var key = AzureSharedKey.Create(account, Text("accountKey")) ?? throw new ReconcileFailure(ConditionReasons.AuthenticationFailed,
                $"{failure}: the account key is not base64");
            return new AzureBlobClient(httpClient, endpoint, key, null, time);
        }
        return new AzureBlobClient(httpClient, endpoint, null, Text("sasKey").Trim(), time);
    }
}
