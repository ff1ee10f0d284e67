using System.Net;

namespace Tide.Engine.Sources.Bucket;

/// <summary>A request to object storage (S3, Azure Blob) failed; <see cref="Status"/> is the HTTP status when the server answered.</summary>
public sealed class BucketClientException(string message, HttpStatusCode? status = null, Exception? inner = null)
    : Exception(message, inner)
{
    public HttpStatusCode? Status { get; } = status;
}
