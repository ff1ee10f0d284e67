using System.Net;

namespace Tide.Engine.Kube;

/// <summary>A Kubernetes API error: the HTTP status and the Status object's reason and message.</summary>
public sealed class KubeApiException(HttpStatusCode status, string reason, string message)
    : Exception($"{message} ({(int)status} {reason})")
{
    public HttpStatusCode Status { get; } = status;
    public string Reason { get; } = reason;
    public string ApiMessage { get; } = message;

    public bool IsNotFound => Status == HttpStatusCode.NotFound;
    public bool IsConflict => Status == HttpStatusCode.Conflict;
    public bool IsGone => Status == HttpStatusCode.Gone;
    public bool IsInvalid => Status == HttpStatusCode.UnprocessableEntity;
}
