using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Tide.Testing;

/// <summary>
/// Writes a cosign signature into a plain-HTTP registry with raw distribution API calls, in the format of cosign's
/// SIGNATURE_SPEC (what `cosign sign --key` wrote before the bundle format): a manifest tagged
/// <c>sha256-&lt;hex&gt;.sig</c> in the artifact's repository whose layer is the simple-signing payload, annotated with
/// the base64 signature over the payload's bytes.
/// </summary>
public static class CosignSignature
{
    private const string ManifestMediaType = "application/vnd.oci.image.manifest.v1+json";

    /// <summary>Signs <paramref name="signedDigest"/> with <paramref name="key"/>. The payload names
    /// <paramref name="payloadDigest"/> when given (to forge a signature of another artifact), else the signed digest.</summary>
    public static async Task PushAsync(HttpClient http, string registryHost, string repository, string signedDigest,
        OpensslSigningKey key, string? payloadDigest = null)
    {
        var payload = Encoding.UTF8.GetBytes(new JsonObject
        {
            ["critical"] = new JsonObject
            {
                ["identity"] = new JsonObject { ["docker-reference"] = $"{registryHost}/{repository}" },
                ["image"] = new JsonObject { ["docker-manifest-digest"] = payloadDigest ?? signedDigest },
                ["type"] = "cosign container image signature",
            },
            ["optional"] = null,
        }.ToJsonString());
        var signature = Convert.ToBase64String(await key.SignAsync(payload));
        var config = "{}"u8.ToArray();
        var baseUrl = $"http://{registryHost}/v2/{repository}";
        var configDigest = await PushBlobAsync(http, baseUrl, config);
        var payloadBlobDigest = await PushBlobAsync(http, baseUrl, payload);
        var manifest = new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = ManifestMediaType,
            ["config"] = new JsonObject
            {
                ["mediaType"] = "application/vnd.oci.image.config.v1+json", ["digest"] = configDigest, ["size"] = config.Length,
            },
            ["layers"] = new JsonArray(new JsonObject
            {
                ["mediaType"] = "application/vnd.dev.cosign.simplesigning.v1+json",
                ["digest"] = payloadBlobDigest,
                ["size"] = payload.Length,
                ["annotations"] = new JsonObject { ["dev.cosignproject.cosign/signature"] = signature },
            }),
        };
        using var body = new ByteArrayContent(Encoding.UTF8.GetBytes(manifest.ToJsonString()));
        body.Headers.ContentType = new MediaTypeHeaderValue(ManifestMediaType);
        var tag = signedDigest.Replace(':', '-') + ".sig";
        using var response = await http.PutAsync($"{baseUrl}/manifests/{tag}", body);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>The manifest digest of a tag as the registry reports it (Docker-Content-Digest).</summary>
    public static async Task<string> DigestAsync(HttpClient http, string registryHost, string repository, string tag)
    {
        using var request = new HttpRequestMessage(HttpMethod.Head, $"http://{registryHost}/v2/{repository}/manifests/{tag}");
        request.Headers.Accept.ParseAdd(ManifestMediaType);
        using var response = await http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return response.Headers.GetValues("Docker-Content-Digest").Single();
    }

    /// <summary>A monolithic blob upload (POST, then PUT with the digest); returns the digest.</summary>
    private static async Task<string> PushBlobAsync(HttpClient http, string baseUrl, byte[] content)
    {
        var digest = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(content));
        using var start = await http.PostAsync($"{baseUrl}/blobs/uploads/", null);
        start.EnsureSuccessStatusCode();
        var location = new Uri(new Uri(baseUrl), start.Headers.Location!);
        var separator = location.Query.Length > 0 ? "&" : "?";
        using var body = new ByteArrayContent(content);
        body.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        using var put = await http.PutAsync($"{location}{separator}digest={Uri.EscapeDataString(digest)}", body);
        put.EnsureSuccessStatusCode();
        return digest;
    }
}
