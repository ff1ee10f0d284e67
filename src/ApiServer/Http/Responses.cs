using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Tide.ApiServer.Serialization;

namespace Tide.ApiServer.Http;

internal static class Responses
{
    public static Task WriteAsync(HttpContext context, int status, JsonNode body) =>
        WriteRawAsync(context, status, Json.ToUtf8(body));

    public static async Task WriteRawAsync(HttpContext context, int status, byte[] body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        context.Response.ContentLength = body.Length;
        await context.Response.Body.WriteAsync(body, context.RequestAborted);
    }

    public static Task WriteStatusAsync(HttpContext context, ApiException error)
    {
        if (error.Code == 429) context.Response.Headers.RetryAfter = "1";
        return WriteAsync(context, error.Code, error.ToStatus());
    }
}
