using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Tide.ApiServer.Serialization;
using YamlDotNet.Core;

namespace Tide.ApiServer.Http;

/// <summary>Reads a request body within the size limit (413 beyond it) and parses JSON or YAML (400 when malformed).</summary>
internal static class RequestBody
{
    public static async Task<byte[]> ReadAsync(HttpRequest request, long limit, CancellationToken ct)
    {
        if (request.ContentLength > limit) throw ApiException.TooLarge(limit);
        var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, ct)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > limit) throw ApiException.TooLarge(limit);
        }
        return buffer.ToArray();
    }

    public static JsonNode? Parse(byte[] body, string? contentType)
    {
        if (body.Length == 0) throw ApiException.BadRequest("the request body is empty");
        if (contentType?.Contains("protobuf", StringComparison.OrdinalIgnoreCase) == true)
        {
            try
            {
                if (KubeProtobuf.Decode(body) is { } decoded) return decoded;
            }
            catch (Exception e) when (e is FormatException or ArgumentOutOfRangeException or IndexOutOfRangeException)
            {
                throw ApiException.BadRequest($"the protobuf body is malformed: {e.Message}");
            }
            throw ApiException.UnsupportedMediaType($"the body of the request was in an unknown format - accepted media types include: application/json, application/yaml");
        }
        var yaml = contentType?.Contains("yaml", StringComparison.OrdinalIgnoreCase) == true;
        try
        {
            // YAML is a superset of JSON; kubectl sends JSON even as apply-patch+yaml, which the fast path reads.
            if (!yaml || LooksLikeJson(body)) return JsonNode.Parse(body);
            return Yaml.ToJson(Encoding.UTF8.GetString(body));
        }
        catch (Exception e) when (e is JsonException or YamlException or InvalidOperationException)
        {
            throw ApiException.BadRequest($"the request body is not valid {(yaml ? "YAML" : "JSON")}: {e.Message}");
        }
    }

    public static JsonObject ParseObject(byte[] body, string? contentType) =>
        Parse(body, contentType) as JsonObject ?? throw ApiException.BadRequest("the request body must be an object");

    private static bool LooksLikeJson(byte[] body)
    {
        foreach (var b in body)
        {
            if (b is (byte)' ' or (byte)'\n' or (byte)'\r' or (byte)'\t') continue;
            return b == (byte)'{';
        }
        return false;
    }
}
