using System.Net;
using System.Xml.Linq;

namespace Tide.Engine.Sources.Bucket;

/// <summary>
/// A small client of the Azure Blob service: a Bucket's bucketName is a container of the account whose blob
/// endpoint is <paramref name="endpoint"/> ("https://&lt;account&gt;.blob.core.windows.net", or Azurite's
/// "http://127.0.0.1:10000/devstoreaccount1"). Requests are signed with the account key, carry a SAS token, or go
/// anonymously (a container with public read access). Listings ask for <paramref name="pageSize"/> blobs a page
/// (the service's maximum unless told otherwise).
/// </summary>
/// <remarks>ETags are kept in the quoted form of Get Blob's ETag header: that is what source-controller's index
/// holds once it has downloaded the blobs, so the revision is Flux's. (Its listing hex-encodes the ETags and so
/// never matches; it downloads the container again on every interval. Here an unchanged container is not.)</remarks>
public sealed class AzureBlobClient(
    HttpClient http, Uri endpoint, AzureSharedKey? sharedKey, string? sasToken, TimeProvider time, int pageSize = AzureBlobClient.MaxPageSize)
    : IBucketClient
{
    public const int MaxPageSize = 5000;

    private readonly string _baseUrl = endpoint.GetLeftPart(UriPartial.Path).TrimEnd('/') + "/";
    private readonly string _sas = MergedQuery(endpoint.Query, sasToken);

    /// <summary>The account a Shared Key signs for: the first label of the host ("&lt;account&gt;.blob.core.windows.net",
    /// as source-controller takes it), or for an IP address or localhost the first path segment (the emulator's
    /// path-style URLs), or null when there is none.</summary>
    public static string? AccountName(Uri endpoint)
    {
        if (endpoint.HostNameType is UriHostNameType.IPv4 or UriHostNameType.IPv6 || endpoint.IsLoopback)
            return endpoint.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
        var labels = endpoint.Host.Split('.');
        return labels.Length > 2 ? labels[0] : null;
    }

    /// <summary>Lists at most one blob, as source-controller does: a missing container answers ContainerNotFound.</summary>
    public async Task<bool> BucketExistsAsync(string bucket, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Get, ContainerPath(bucket), "restype=container&comp=list&maxresults=1", null, cancellationToken);
        var code = ErrorCode(response);
        if (response.Response.StatusCode == HttpStatusCode.NotFound && code == "ContainerNotFound")
            return false;
        // A container SAS for another (or no) container fails authentication rather than answering not found.
        // source-controller says so for AuthenticationFailed; Azurite (and a SAS without the list permission)
        // answers AuthorizationFailure, which the same words fit.
        var hint = code is "AuthenticationFailed" or "AuthorizationFailure"
            ? "the specified bucket name may be incorrect, nonexistent, or the caller might lack sufficient permissions to access it: "
            : "";
        await EnsureSuccessAsync(response, cancellationToken, hint);
        return true;
    }

    /// <summary>Every blob under the prefix (List Blobs, flat, following NextMarker).</summary>
    public async Task<IReadOnlyList<BucketObject>> ListObjectsAsync(string bucket, string? prefix, CancellationToken cancellationToken)
    {
        var objects = new List<BucketObject>();
        var marker = "";
        do
        {
            var query = $"restype=container&comp=list&maxresults={pageSize}";
            if (!string.IsNullOrEmpty(prefix))
                query += "&prefix=" + Uri.EscapeDataString(prefix);
            if (marker.Length > 0)
                query += "&marker=" + Uri.EscapeDataString(marker);
            using var response = await SendAsync(HttpMethod.Get, ContainerPath(bucket), query, null, cancellationToken);
            await EnsureSuccessAsync(response, cancellationToken);
            var result = XDocument.Parse(await response.Response.Content.ReadAsStringAsync(cancellationToken)).Root!;
            objects.AddRange(result.Element("Blobs")?.Elements("Blob").Select(b =>
                new BucketObject((string?)b.Element("Name") ?? "", Quoted((string?)b.Element("Properties")?.Element("Etag") ?? ""))) ?? []);
            marker = (string?)result.Element("NextMarker") ?? "";
        }
        while (marker.Length > 0);
        return objects;
    }

    public async Task<string?> GetObjectAsync(string bucket, string key, Stream destination, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Get, BlobPath(bucket, key), "", null, cancellationToken);
        if (response.Response.StatusCode == HttpStatusCode.NotFound && ErrorCode(response) == "BlobNotFound")
            return null;
        await EnsureSuccessAsync(response, cancellationToken);
        await response.Response.Content.CopyToAsync(destination, cancellationToken);
        return response.Response.Headers.TryGetValues("ETag", out var etag) ? Quoted(etag.First()) : "";
    }

    /// <summary>Creates a container, private or readable by anyone (for tests and tooling that set up storage).</summary>
    public async Task CreateContainerAsync(string container, bool publicRead, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Put, ContainerPath(container), "restype=container", new ByteArrayContent([]), cancellationToken,
            request =>
            {
                if (publicRead)
                    request.Headers.Add("x-ms-blob-public-access", "container");
            });
        await EnsureSuccessAsync(response, cancellationToken);
    }

    /// <summary>Uploads (or replaces) a block blob and returns the ETag header of the answer (for tests and
    /// tooling that set up storage).</summary>
    public async Task<string> PutBlobAsync(string container, string key, byte[] content, CancellationToken cancellationToken)
    {
        var body = new ByteArrayContent(content);
        using var response = await SendAsync(HttpMethod.Put, BlobPath(container, key), "", body, cancellationToken,
            request => request.Headers.Add("x-ms-blob-type", "BlockBlob"));
        await EnsureSuccessAsync(response, cancellationToken);
        return response.Response.Headers.TryGetValues("ETag", out var etag) ? etag.First() : "";
    }

    private static string ContainerPath(string container) => Uri.EscapeDataString(container);

    private static string BlobPath(string container, string key) =>
        Uri.EscapeDataString(container) + "/" + string.Join('/', key.Split('/').Select(Uri.EscapeDataString));

    /// <summary>Get Blob's header is quoted, listings are not (on Azure; Azurite quotes both).</summary>
    private static string Quoted(string etag) => etag.StartsWith('"') ? etag : $"\"{etag}\"";

    /// <summary>The endpoint's own query with the SAS token's parameters (which win, as in source-controller).</summary>
    private static string MergedQuery(string endpointQuery, string? sasToken)
    {
        var sas = (sasToken ?? "").TrimStart('?');
        var sasNames = sas.Split('&', StringSplitOptions.RemoveEmptyEntries).Select(p => p.Split('=')[0]).ToHashSet(StringComparer.Ordinal);
        var kept = endpointQuery.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries).Where(p => !sasNames.Contains(p.Split('=')[0]));
        return string.Join('&', kept.Concat(sas.Split('&', StringSplitOptions.RemoveEmptyEntries)));
    }

    private async Task<Reply> SendAsync(HttpMethod method, string path, string query, HttpContent? content,
        CancellationToken cancellationToken, Action<HttpRequestMessage>? prepare = null)
    {
        var fullQuery = string.Join('&', new[] { query, _sas }.Where(q => q.Length > 0));
        // Messages name the request without the SAS token: it is a credential.
        var shown = $"{method} {_baseUrl}{path}{(query.Length > 0 ? "?" + query : "")}";
        using var request = new HttpRequestMessage(method, _baseUrl + path + (fullQuery.Length > 0 ? "?" + fullQuery : "")) { Content = content };
        request.Headers.Add("x-ms-version", SharedKeySigner.ApiVersion);
        prepare?.Invoke(request);
        if (sharedKey is not null)
            SharedKeySigner.Sign(request, sharedKey, time.GetUtcNow());
        try
        {
            return new Reply(await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken), shown);
        }
        catch (HttpRequestException e)
        {
            throw new BucketClientException($"{shown}: {e.Message}", inner: e);
        }
    }

    /// <summary>The service's error code: the x-ms-error-code header (also on HEAD answers, which have no body).</summary>
    private static string? ErrorCode(Reply reply) =>
        reply.Response.Headers.TryGetValues("x-ms-error-code", out var values) ? values.First() : null;

    /// <summary>Throws with the status, the error code and the first line of the service's message unless the
    /// request succeeded.</summary>
    private static async Task EnsureSuccessAsync(Reply reply, CancellationToken cancellationToken, string prefix = "")
    {
        var response = reply.Response;
        if (response.IsSuccessStatusCode)
            return;
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        var code = ErrorCode(reply);
        string? message = null;
        try
        {
            if (body.Length > 0 && XDocument.Parse(body).Root is { } error)
                (code, message) = ((string?)error.Element("Code") ?? code, ((string?)error.Element("Message"))?.Split('\n')[0].Trim());
        }
        catch (System.Xml.XmlException)
        {
        }
        var detail = string.Join(": ", new[] { code, message ?? response.ReasonPhrase }.Where(s => !string.IsNullOrEmpty(s)));
        throw new BucketClientException($"{prefix}{reply.Shown}: {(int)response.StatusCode} {detail}", response.StatusCode);
    }

    private sealed record Reply(HttpResponseMessage Response, string Shown) : IDisposable
    {
        public void Dispose() => Response.Dispose();
    }
}
