using Microsoft.AspNetCore.Http;
using Tide.ApiServer.Http;

namespace Tide.ApiServer.Authorization;

/// <summary>
/// Kubernetes' impersonation step: Impersonate-User (and Impersonate-Group) make the request act as another user.
/// The requester needs the verb <c>impersonate</c> on that user (resource <c>users</c>, or <c>serviceaccounts</c> in
/// the account's namespace for <c>system:serviceaccount:NS:NAME</c>) and on each group (resource <c>groups</c>).
/// A ServiceAccount without Impersonate-Group gets its fixed groups; every impersonated user is in
/// system:authenticated unless the groups say system:authenticated or system:unauthenticated already.
/// </summary>
internal sealed class Impersonation(RbacAuthorizer authorizer)
{
    public RequestUser Apply(RequestUser requester, IHeaderDictionary headers)
    {
        var name = headers["Impersonate-User"].ToString();
        if (name.Length == 0) return requester;
        var groups = headers["Impersonate-Group"].Where(g => !string.IsNullOrEmpty(g)).Select(g => g!).ToList();
        var account = RequestUser.ParseServiceAccount(name);
        authorizer.Require(account is { } sa
            ? new AccessAttributes(requester, "impersonate", true, Namespace: sa.Namespace, Resource: "serviceaccounts", Name: sa.Name)
            : new AccessAttributes(requester, "impersonate", true, Resource: "users", Name: name));
        foreach (var group in groups)
        {
            authorizer.Require(new AccessAttributes(requester, "impersonate", true, Resource: "groups", Name: group));
        }
        if (account is { } serviceAccount && groups.Count == 0) groups.AddRange(RequestUser.ServiceAccountGroups(serviceAccount.Namespace));
        if (!groups.Contains(RequestUser.Authenticated) && !groups.Contains(RequestUser.Unauthenticated)) groups.Add(RequestUser.Authenticated);
        return new RequestUser(name, groups);
    }
}
