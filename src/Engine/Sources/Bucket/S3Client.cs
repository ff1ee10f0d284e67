using System.Net;
using System.Xml.Linq;

namespace Tide.Engine.Sources.Bucket;

/// <summary>
/// A small client of the S3 API with path-style addressing ("&lt;endpoint&gt;/&lt;bucket&gt;/&lt;key&gt;"), requests signed
/// with SigV4 when there are credentials and sent anonymously otherwise. Plain HTTP only when <c>insecure</c>.
/// </summary>
public sealed class S3Client(
    HttpClient http, string endpoint, bool insecure, string region, S3Credentials? credentials, TimeProvider time) : IBucketClient
{
    private readonly string _baseUrl = $"{(insecure ? "http" : "https")}://{endpoint.TrimEnd('/')}/";

    public async Task<bool> BucketExistsAsync(string bucket, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Head, SigV4Signer.Encode(bucket), cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
            return false;
        await EnsureSuccessAsync(response, cancellationToken);
        return true;
    }

    /// <summary>Every object under the prefix (ListObjectsV2, all pages), ETags without quotes.</summary>
    public async Task<IReadOnlyList<BucketObject>> ListObjectsAsync(string bucket, string? prefix, CancellationToken cancellationToken)
    {
        var objects = new List<BucketObject>();
        string? continuation = null;
        do
        {
            var query = "list-type=2";
            if (!string.IsNullOrEmpty(prefix))
                query += "&prefix=" + SigV4Signer.Encode(prefix);
            if (continuation is not null)
                query += "&continuation-token=" + SigV4Signer.Encode(continuation);
            using var response = await SendAsync(HttpMethod.Get, $"{SigV4Signer.Encode(bucket)}?{query}", cancellationToken);
            await EnsureSuccessAsync(response, cancellationToken);
            var result = XDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken)).Root!;
            objects.AddRange(Children(result, "Contents").Select(c =>
                new BucketObject(Child(c, "Key") ?? "", (Child(c, "ETag") ?? "").Trim('"'))));
            continuation = Child(result, "IsTruncated") == "true" ? Child(result, "NextContinuationToken") : null;
        }
        while (continuation is not null);
        return objects;
    }

    /// <summary>Writes an object to <paramref name="destination"/> and returns its ETag (without quotes), or null
    /// when the object does not exist.</summary>
    public async Task<string?> GetObjectAsync(string bucket, string key, Stream destination, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Get, ObjectPath(bucket, key), cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
            return null;
        await EnsureSuccessAsync(response, cancellationToken);
        await response.Content.CopyToAsync(destination, cancellationToken);
        return response.Headers.ETag?.Tag.Trim('"');
    }

    // Elements are matched by local name: S3-compatible servers do not all use S3's XML namespace.
    private static IEnumerable<XElement> Children(XElement parent, string name) => parent.Elements().Where(e => e.Name.LocalName == name);

    private static string? Child(XElement parent, string name) => (string?)Children(parent, name).FirstOrDefault();

    private static string ObjectPath(string bucket, string key) =>
        SigV4Signer.Encode(bucket) + "/" + string.Join('/', key.Split('/').Select(SigV4Signer.Encode));

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string pathAndQuery, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, _baseUrl + pathAndQuery);
        if (credentials is not null)
            SigV4Signer.Sign(request, credentials, region, time.GetUtcNow());
        try
        {
            return await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        }
        catch (HttpRequestException e)
        {
            throw new BucketClientException($"{method} {request.RequestUri}: {e.Message}", inner: e);
        }
    }

    /// <summary>Throws with the server's error code and message (S3's XML error body) unless the request succeeded.</summary>
    private static async Task EnsureSuccessAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
            return;
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        var detail = $"{(int)response.StatusCode} {response.ReasonPhrase}";
        try
        {
            if (body.Length > 0 && XDocument.Parse(body).Root is { } error)
                detail = $"{Child(error, "Code")}: {Child(error, "Message")}";
        }
        catch (System.Xml.XmlException)
        {
        }
        throw new BucketClientException($"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri}: {detail}", response.StatusCode);
    }
}
