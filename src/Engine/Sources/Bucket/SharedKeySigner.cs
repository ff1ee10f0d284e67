using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Web;

namespace Tide.Engine.Sources.Bucket;

/// <summary>
/// Shared Key authorization for the Azure Blob service (versions 2015-02-21 and later): the string to sign is the
/// verb, eleven standard headers (Content-Length empty when zero), the x-ms-* headers lower-cased and sorted, and
/// the resource "/&lt;account&gt;&lt;path&gt;" followed by each query parameter as "\nname:value[,value]" sorted by
/// name; the signature is HMAC-SHA256 of it with the decoded account key.
/// </summary>
public static class SharedKeySigner
{
    /// <summary>The Blob service version Tide asks for.</summary>
    public const string ApiVersion = "2021-08-06";

    /// <summary>Adds x-ms-date, x-ms-version and Authorization to a request (after its content is set).</summary>
    public static void Sign(HttpRequestMessage request, AzureSharedKey key, DateTimeOffset now)
    {
        request.Headers.Remove("x-ms-date");
        request.Headers.Add("x-ms-date", now.UtcDateTime.ToString("R", CultureInfo.InvariantCulture));
        if (!request.Headers.Contains("x-ms-version"))
            request.Headers.Add("x-ms-version", ApiVersion);
        var signature = Convert.ToBase64String(HMACSHA256.HashData(key.Key, Encoding.UTF8.GetBytes(StringToSign(request, key.AccountName))));
        request.Headers.TryAddWithoutValidation("Authorization", $"SharedKey {key.AccountName}:{signature}");
    }

    public static string StringToSign(HttpRequestMessage request, string accountName)
    {
        var uri = request.RequestUri ?? throw new ArgumentException("the request has no URI", nameof(request));
        var length = request.Content?.Headers.ContentLength;
        var builder = new StringBuilder();
        builder.Append(request.Method.Method).Append('\n')
            .Append(ContentHeader(request, "Content-Encoding")).Append('\n')
            .Append(ContentHeader(request, "Content-Language")).Append('\n')
            .Append(length is null or 0 ? "" : length.Value.ToString(CultureInfo.InvariantCulture)).Append('\n')
            .Append(ContentHeader(request, "Content-MD5")).Append('\n')
            .Append(ContentHeader(request, "Content-Type")).Append('\n');
        foreach (var name in new[] { "Date", "If-Modified-Since", "If-Match", "If-None-Match", "If-Unmodified-Since", "Range" })
            builder.Append(request.Headers.TryGetValues(name, out var values) ? string.Join(',', values) : "").Append('\n');

        foreach (var header in request.Headers
            .Where(h => h.Key.StartsWith("x-ms-", StringComparison.OrdinalIgnoreCase))
            .Select(h => (Name: h.Key.ToLowerInvariant(), Value: string.Join(',', h.Value).Trim()))
            .OrderBy(h => h.Name, StringComparer.Ordinal))
            builder.Append(header.Name).Append(':').Append(header.Value).Append('\n');

        builder.Append('/').Append(accountName).Append(uri.AbsolutePath);
        var query = HttpUtility.ParseQueryString(uri.Query);
        foreach (var name in query.AllKeys.OfType<string>().OrderBy(n => n.ToLowerInvariant(), StringComparer.Ordinal))
        {
            var values = (query.GetValues(name) ?? []).Order(StringComparer.Ordinal);
            builder.Append('\n').Append(name.ToLowerInvariant()).Append(':').Append(string.Join(',', values));
        }
        return builder.ToString();
    }

    private static string ContentHeader(HttpRequestMessage request, string name) =>
        request.Content is not null && request.Content.Headers.TryGetValues(name, out var values) ? string.Join(',', values) : "";
}
