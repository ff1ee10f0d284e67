using System.Net;

namespace Tide.Engine.Sources.Bucket;

/// <summary>An S3 request failed; <see cref="Status"/> is the HTTP status when the server answered.</summary>
public sealed class S3Exception(string message, HttpStatusCode? status = null, Exception? inner = null)
    : Exception(message, inner)
{
    public HttpStatusCode? Status { get; } = status;
}
