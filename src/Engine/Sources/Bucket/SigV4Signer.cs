using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Tide.Engine.Sources.Bucket;

/// <summary>
/// AWS Signature Version 4 for S3 requests (header-based): the canonical request of method, path, sorted query,
/// the signed headers (host, x-amz-content-sha256, x-amz-date) and the payload hash; the string to sign with the
/// credential scope "&lt;date&gt;/&lt;region&gt;/s3/aws4_request"; and a key derived from the secret key by chained
/// HMAC-SHA256 over date, region, service and "aws4_request".
/// </summary>
public static class SigV4Signer
{
    public const string Algorithm = "AWS4-HMAC-SHA256";
    private const string Service = "s3";

    /// <summary>SHA-256 of an empty payload, the hash of every body-less request.</summary>
    public static readonly string EmptyPayloadHash = Convert.ToHexStringLower(SHA256.HashData([]));

    /// <summary>Adds x-amz-date, x-amz-content-sha256 and Authorization to a request without a body.</summary>
    public static void Sign(HttpRequestMessage request, S3Credentials credentials, string region, DateTimeOffset now)
    {
        var uri = request.RequestUri ?? throw new ArgumentException("the request has no URI", nameof(request));
        var amzDate = now.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        var date = amzDate[..8];
        var host = uri.IsDefaultPort ? uri.Host : $"{uri.Host}:{uri.Port}";
        request.Headers.Host = host;
        request.Headers.Add("x-amz-date", amzDate);
        request.Headers.Add("x-amz-content-sha256", EmptyPayloadHash);

        const string signedHeaders = "host;x-amz-content-sha256;x-amz-date";
        var canonicalRequest = string.Join('\n',
            request.Method.Method,
            uri.AbsolutePath,
            CanonicalQuery(uri.Query),
            $"host:{host}\nx-amz-content-sha256:{EmptyPayloadHash}\nx-amz-date:{amzDate}\n",
            signedHeaders,
            EmptyPayloadHash);
        var scope = $"{date}/{region}/{Service}/aws4_request";
        var stringToSign = string.Join('\n',
            Algorithm, amzDate, scope, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonicalRequest))));

        var key = Hmac(Encoding.UTF8.GetBytes("AWS4" + credentials.SecretKey), date);
        key = Hmac(key, region);
        key = Hmac(key, Service);
        key = Hmac(key, "aws4_request");
        var signature = Convert.ToHexStringLower(Hmac(key, stringToSign));
        request.Headers.TryAddWithoutValidation("Authorization",
            $"{Algorithm} Credential={credentials.AccessKey}/{scope}, SignedHeaders={signedHeaders}, Signature={signature}");
    }

    /// <summary>RFC 3986 encoding as SigV4 wants it: everything but unreserved characters, upper-case hex.</summary>
    public static string Encode(string value)
    {
        var builder = new StringBuilder();
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            var c = (char)b;
            if (char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '~')
                builder.Append(c);
            else
                builder.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
        }
        return builder.ToString();
    }

    /// <summary>The query's parameters, already encoded by the caller with <see cref="Encode"/>, sorted by name
    /// then value; a parameter without '=' gets an empty value.</summary>
    private static string CanonicalQuery(string query)
    {
        if (query.Length <= 1)
            return "";
        return string.Join('&', query[1..].Split('&')
            .Select(p => p.Contains('=') ? p : p + "=")
            .Order(StringComparer.Ordinal));
    }

    private static byte[] Hmac(byte[] key, string data) => HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(data));
}
