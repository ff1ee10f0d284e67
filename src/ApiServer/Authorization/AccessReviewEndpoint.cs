using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Tide.ApiServer.Http;
using Tide.ApiServer.Resources;
using Tide.ApiServer.Serialization;

namespace Tide.ApiServer.Authorization;

/// <summary>
/// authorization.k8s.io/v1 SelfSubjectAccessReview ("may I?", what <c>kubectl auth can-i</c> asks, answered for the
/// requesting, possibly impersonated, user), SubjectAccessReview ("may this user and these groups?") and
/// SelfSubjectRulesReview ("what may I do in this namespace?", <c>kubectl auth can-i --list</c>): created, answered
/// from the same RBAC rules as every request, and never stored. Also authentication.k8s.io/v1 TokenReview ("whose token
/// is this?", asked by servers that take users' tokens, as Tide's web UI does), answered by the authenticator.
/// </summary>
internal sealed class AccessReviewEndpoint(RbacAuthorizer authorizer, Authenticator authenticator, long maxBodyBytes)
{
    public const string Group = "authorization.k8s.io";
    public const string AuthenticationGroup = "authentication.k8s.io";

    public static bool Serves(ApiPath path) => path.Group is Group or AuthenticationGroup;

    public async Task HandleAsync(HttpContext context, ApiPath path, RequestUser user)
    {
        var type = BuiltinResources.AccessReviews.FirstOrDefault(t => t.Group == path.Group && t.Version == path.Version && t.Plural == path.Resource)
            ?? throw ApiException.NotFound($"the server could not find the requested resource (no {path.Resource} in {path.Group}/{path.Version})");
        if (path.Namespace is not null || path.Name is not null || path.Subresource is not null)
        {
            throw ApiException.NotFound($"the server could not find the requested resource ({context.Request.Path})");
        }
        if (!HttpMethods.IsPost(context.Request.Method))
        {
            throw ApiException.MethodNotAllowed("the server does not allow this method on the requested resource");
        }
        var review = RequestBody.ParseObject(await RequestBody.ReadAsync(context.Request, maxBodyBytes, context.RequestAborted),
            context.Request.ContentType);
        var spec = review["spec"] as JsonObject ?? new JsonObject();
        review["kind"] = type.Kind;
        review["apiVersion"] = type.GroupVersion;
        review["metadata"] ??= new JsonObject();
        review["status"] = type.Kind switch
        {
            "SelfSubjectRulesReview" => RulesOf(user, spec.Str("namespace") ?? ""),
            "SelfSubjectAccessReview" => Decide(AttributesOf(type, spec, user)),
            "TokenReview" => Authenticate(spec.Str("token") ?? ""),
            _ => Decide(AttributesOf(type, spec, SubjectOf(type, spec))),
        };
        await Responses.WriteAsync(context, 201, review);
    }

    /// <summary>The token's user and groups (every authenticated user is in system:authenticated), or
    /// authenticated: false.</summary>
    private JsonObject Authenticate(string token)
    {
        if (authenticator.UserOf(token) is not { } user)
            return new JsonObject { ["authenticated"] = false, ["user"] = new JsonObject() };
        var groups = user.Groups.Contains(RequestUser.Authenticated) ? user.Groups : [.. user.Groups, RequestUser.Authenticated];
        return new JsonObject
        {
            ["authenticated"] = true,
            ["user"] = new JsonObject
            {
                ["username"] = user.Name,
                ["groups"] = new JsonArray(groups.Select(g => (JsonNode?)g).ToArray()),
            },
        };
    }

    private JsonObject Decide(AccessAttributes request)
    {
        var decision = authorizer.Authorize(request);
        var status = new JsonObject { ["allowed"] = decision.Allowed };
        if (decision.Reason.Length > 0) status["reason"] = decision.Reason;
        return status;
    }

    /// <summary>Every rule the user holds in the namespace (cluster-wide ones included), resource and non-resource
    /// rules apart; roles that could not be found make the answer incomplete.</summary>
    private JsonObject RulesOf(RequestUser user, string ns)
    {
        var (rules, errors) = authorizer.Policy().RulesFor(user, ns);
        var status = new JsonObject
        {
            ["resourceRules"] = new JsonArray(rules.Where(r => r.Resources.Count > 0).Select(r => (JsonNode)r.ToJson()).ToArray()),
            ["nonResourceRules"] = new JsonArray(rules.Where(r => r.NonResourceUrls.Count > 0).Select(r => (JsonNode)r.ToJson()).ToArray()),
            ["incomplete"] = errors.Count > 0,
        };
        if (errors.Count > 0) status["evaluationError"] = string.Join(", ", errors);
        return status;
    }

    private static RequestUser SubjectOf(ResourceType type, JsonObject spec)
    {
        var name = spec.Str("user") ?? "";
        var groups = (spec["groups"] as JsonArray ?? []).Select(g => g?.ToString() ?? "").ToList();
        if (name.Length == 0 && groups.Count == 0)
        {
            throw ApiException.Invalid(type, "", new StatusCause("FieldValueRequired", "spec.user", "Required value: at least one of user or group must be specified"));
        }
        return new RequestUser(name, groups);
    }

    private static AccessAttributes AttributesOf(ResourceType type, JsonObject spec, RequestUser subject)
    {
        var resource = spec["resourceAttributes"] as JsonObject;
        var nonResource = spec["nonResourceAttributes"] as JsonObject;
        if ((resource is null) == (nonResource is null))
        {
            throw ApiException.Invalid(type, "", new StatusCause("FieldValueRequired", "spec.resourceAttributes",
                "Required value: exactly one of nonResourceAttributes or resourceAttributes must be specified"));
        }
        return resource is not null
            ? new AccessAttributes(subject, resource.Str("verb") ?? "", true, resource.Str("group") ?? "", resource.Str("version") ?? "",
                resource.Str("namespace") ?? "", resource.Str("resource") ?? "", resource.Str("subresource") ?? "", resource.Str("name") ?? "")
            : new AccessAttributes(subject, nonResource!.Str("verb") ?? "", false, Path: nonResource.Str("path") ?? "");
    }
}
