using System.Net;

namespace Tide.Engine.Sources.Oci;

/// <summary>A registry request failed; <see cref="Status"/> is the HTTP status when the registry answered.</summary>
public sealed class OciException(string message, HttpStatusCode? status = null, Exception? inner = null)
    : Exception(message, inner)
{
    public HttpStatusCode? Status { get; } = status;

    public bool IsUnauthorized => Status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden;
}
