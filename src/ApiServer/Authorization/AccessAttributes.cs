using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Tide.ApiServer.Http;
using Tide.ApiServer.Semantics;

namespace Tide.ApiServer.Authorization;

/// <summary>What a request asks to do, as Kubernetes' authorizers see it (authorizer.Attributes): a verb on a
/// resource (group, namespace, resource, subresource, name) or on a non-resource path. Absent parts are "".</summary>
internal sealed record AccessAttributes(
    RequestUser User,
    string Verb,
    bool IsResourceRequest,
    string Group = "",
    string Version = "",
    string Namespace = "",
    string Resource = "",
    string Subresource = "",
    string Name = "",
    string Path = "")
{
    /// <summary>The attributes of an HTTP request: <paramref name="path"/> null is a non-resource request (discovery,
    /// OpenAPI, /version...), whose verb is the lower-cased method.</summary>
    public static AccessAttributes Of(RequestUser user, HttpRequest request, ApiPath? path)
    {
        if (path is null) return new AccessAttributes(user, request.Method.ToLowerInvariant(), false, Path: request.Path.Value ?? "/");
        var verb = RequestVerbs.Of(request, path.Name);
        var name = path.Name;
        if (name is null && verb is "list" or "watch")
        {
            // Like Kubernetes: a list or watch pinned to one name by a field selector is about that object, so
            // resourceNames rules apply to it.
            name = FieldSelector.Parse(request.Query["fieldSelector"]).ExactName;
        }
        var ns = path.Namespace;
        // GET /api/v1/namespaces/foo is, for RBAC, a request in the namespace foo.
        if (ns is null && path.Group.Length == 0 && path.Resource == "namespaces") ns = name;
        return new AccessAttributes(user, verb, true, path.Group, path.Version, ns ?? "", path.Resource, path.Subresource ?? "",
            name ?? "");
    }

    /// <summary>The 403 Kubernetes answers when no authorizer allowed this (responsewriters.Forbidden):
    /// <c>deployments.apps "web" is forbidden: User "u" cannot create resource "deployments" in API group "apps" in
    /// the namespace "ns"</c>, with the authorizer's reason (if any) after a colon.</summary>
    public ApiException Forbidden(string reason)
    {
        var message = ForbiddenMessage();
        if (reason.Length > 0) message += ": " + reason;
        return IsResourceRequest
            ? ApiException.Forbidden(Group, Resource, Name, message)
            : new ApiException(403, "Forbidden", "forbidden: " + message, new JsonObject());
    }

    private string ForbiddenMessage()
    {
        if (!IsResourceRequest) return $"User \"{User.Name}\" cannot {Verb} path \"{Path}\"";
        var resource = Subresource.Length == 0 ? Resource : Resource + "/" + Subresource;
        return Namespace.Length > 0
            ? $"User \"{User.Name}\" cannot {Verb} resource \"{resource}\" in API group \"{Group}\" in the namespace \"{Namespace}\""
            : $"User \"{User.Name}\" cannot {Verb} resource \"{resource}\" in API group \"{Group}\" at the cluster scope";
    }
}
