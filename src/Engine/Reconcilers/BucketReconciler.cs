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

    /// <param name="secrets">The data of the Secrets spec.secretRef (accesskey and secretkey; for Azure accountKey or
    /// sasKey) and spec.certSecretRef name.</param>
    public async Task<ReconcileResult<BucketStatus>> ReconcileAsync(
        Api.Bucket bucket, ReferencedSecrets secrets, CancellationToken cancellationToken)
    {
        var previous = bucket.Status ?? new BucketStatus();
        if (bucket.Spec.Suspend == true)
            return new ReconcileResult<BucketStatus>(previous, [], Requeue.OnChange);

        var spec = bucket.Spec;
        var generation = bucket.Metadata.Generation ?? 0;
        var owner = Owner(bucket);
        var conditions = new ConditionSet(previous.Conditions, generation, time);
        var events = new List<ReconcileEvent>();
        var status = previous with { LastHandledReconcileAt = LastHandledReconcileAt(bucket.Metadata, previous.LastHandledReconcileAt) };
        var progress = "reconciliation in progress";
        MarkProgressing(conditions, progress, drift: false);
        var tree = options.NewWorkDirectory("tide-bucket");

        try
        {
            var artifact = await VerifyStoredArtifactAsync(store, previous.Artifact, events, cancellationToken);
            if (artifact is null)
            {
                progress = previous.Artifact is null ? "building artifact" : "building artifact: disappeared from storage";
                MarkProgressing(conditions, progress, drift: true);
                conditions.Delete(ConditionTypes.ArtifactInStorage);
            }

            using var tlsHttp = TlsClient(bucket.Spec.CertSecretRef, bucket.Metadata, secrets.Cert);
            var client = Client(bucket, tlsHttp ?? http, secrets.Auth);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(spec.GetTimeout());
            var index = await FetchPhaseAsync(spec,
                () => BucketFetcher.IndexAsync(client, spec.BucketName, spec.Prefix, spec.Ignore, tree, timeout.Token), cancellationToken);
            var revision = index.Revision();
            conditions.Delete(ConditionTypes.FetchFailed);

            if (artifact is not null && artifact.Revision == revision && spec.Ignore == previous.ObservedIgnore)
            {
                if (HadFailure(previous.Conditions))
                    events.Add(new ReconcileEvent(ReconcileEvent.Normal, ConditionReasons.Succeeded, $"stored artifact for revision '{revision}'"));
            }
            else
            {
                progress = $"building artifact: new upstream revision '{revision}'";
                if (artifact is not null)
                    conditions.MarkTrue(ConditionTypes.ArtifactOutdated, ConditionReasons.NewRevision, $"new upstream revision '{revision}'");
                MarkProgressing(conditions, progress, drift: true);
                var count = await FetchPhaseAsync(spec,
                    () => BucketFetcher.DownloadAsync(client, spec.BucketName, index, tree, options.UnpackLimits, timeout.Token), cancellationToken);
                // The index follows what was fetched, so the revision names exactly the stored content.
                var built = await StoreAsync(owner, tree, index.Revision(), cancellationToken);
                if (built.Digest != previous.Artifact?.Digest)
                    events.Add(new ReconcileEvent(ReconcileEvent.Normal, ConditionReasons.NewArtifact,
                        $"stored artifact with {count} fetched files from '{spec.BucketName}' bucket", ArtifactAnnotations(built)));
                artifact = built;
                status = status with { ObservedIgnore = spec.Ignore };
            }
            store.CollectGarbage(owner, options.ArtifactRetention, artifact.Path);

            MarkReady(conditions, $"stored artifact for revision '{artifact.Revision}'");
            artifact = artifact with { Url = options.ArtifactUrl(artifact.Path) };
            status = status with { Artifact = artifact, Url = artifact.Url, ObservedGeneration = generation };
            return Result(status, conditions, events, Requeue.AfterInterval(spec.Interval));
        }
        catch (ReconcileFailure failure)
        {
            var requeue = MarkFailed(conditions, failure, progress, events, spec.Interval);
            if (failure.Terminal)
                status = status with { ObservedGeneration = generation };
            return Result(status, conditions, events, requeue);
        }
        finally
        {
            if (Directory.Exists(tree))
                Directory.Delete(tree, recursive: true);
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

    /// <summary>Runs a remote phase, mapping its failures (and the spec's timeout) to Flux's reasons.</summary>
    private static async Task<T> FetchPhaseAsync<T>(BucketSpec spec, Func<Task<T>> phase, CancellationToken cancellationToken)
    {
        try
        {
            return await phase();
        }
        catch (SourceFetchException e)
        {
            throw new ReconcileFailure(e.Reason, e.Message, e.Terminal, e);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ReconcileFailure(Api.Bucket.OperationFailedReason,
                $"fetching bucket '{spec.BucketName}' timed out after {new GoDuration(spec.GetTimeout())}");
        }
    }

    private async Task<Artifact> StoreAsync(ArtifactOwner owner, string tree, string revision, CancellationToken cancellationToken)
    {
        try
        {
            var stored = await store.PutAsync(owner, (stream, ct) => TarballPacker.PackAsync(tree, stream, exclude: null, ct), cancellationToken);
            return new Artifact
            {
                Digest = stored.Digest,
                Path = stored.Path,
                Url = options.ArtifactUrl(stored.Path),
                Revision = revision,
                Size = stored.Size,
                LastUpdateTime = Seconds(time.GetUtcNow()),
            };
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ReconcileFailure(ConditionReasons.ArchiveOperationFailed, $"unable to archive artifact to storage: {e.Message}", inner: e);
        }
    }

    private static ReconcileResult<BucketStatus> Result(
        BucketStatus status, ConditionSet conditions, List<ReconcileEvent> events, Requeue requeue) =>
        new(status with { Conditions = conditions.ToList() }, events, requeue);
}
