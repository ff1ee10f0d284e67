using Microsoft.AspNetCore.Http;

namespace Tide.ApiServer.Http;

/// <summary>Bearer-token authentication with impersonation. Health endpoints are open, as in Kubernetes.
/// client-go (kubectl) never sends a bearer token over plain HTTP, so on plain HTTP a request without credentials is
/// the admin, like kube-apiserver's former loopback-only insecure port; a wrong token is still refused. Over TLS a
/// token is required.</summary>
internal sealed class Authenticator(IReadOnlyDictionary<string, RequestUser> users, bool anonymousIsAdmin)
{
    private const string UserItem = "tide.user";

    public RequestUser Authenticate(HttpContext context)
    {
        var header = context.Request.Headers.Authorization.ToString();
        RequestUser? user = null;
        if (header.Length == 0 && anonymousIsAdmin)
        {
            user = RequestUser.Admin;
        }
        else if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
            || !users.TryGetValue(header["Bearer ".Length..].Trim(), out user))
        {
            throw ApiException.Unauthorized();
        }
        var impersonated = context.Request.Headers["Impersonate-User"].ToString();
        if (impersonated.Length > 0)
        {
            var groups = context.Request.Headers["Impersonate-Group"].Where(g => !string.IsNullOrEmpty(g)).Select(g => g!).ToList();
            if (!groups.Contains("system:authenticated")) groups.Add("system:authenticated");
            user = new RequestUser(impersonated, groups);
        }
        context.Items[UserItem] = user!;
        return user!;
    }

    /// <summary>The authenticated (or impersonated) user of a request.</summary>
    public static RequestUser? UserOf(HttpContext context) => context.Items[UserItem] as RequestUser;
}
