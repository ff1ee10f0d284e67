using Microsoft.AspNetCore.Http;

namespace Tide.ApiServer.Http;

/// <summary>Bearer-token authentication. Health endpoints are open, as in Kubernetes.
/// client-go (kubectl) never sends a bearer token over plain HTTP, so on plain HTTP a request without credentials is
/// the admin, like kube-apiserver's former loopback-only insecure port; a wrong token is still refused. Over TLS a
/// token is required. Impersonation headers are handled after this, by the authorizer's impersonation step.</summary>
internal sealed class Authenticator(IReadOnlyDictionary<string, RequestUser> users, bool anonymousIsAdmin)
{
    public RequestUser Authenticate(HttpContext context)
    {
        var header = context.Request.Headers.Authorization.ToString();
        if (header.Length == 0 && anonymousIsAdmin) return RequestUser.Admin;
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) && UserOf(header["Bearer ".Length..].Trim()) is { } user)
        {
            return user;
        }
        throw ApiException.Unauthorized();
    }

    /// <summary>The user a bearer token stands for, or null (what a TokenReview answers).</summary>
    public RequestUser? UserOf(string token) => users.GetValueOrDefault(token);
}
