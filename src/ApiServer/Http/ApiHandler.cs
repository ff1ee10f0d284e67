using Microsoft.AspNetCore.Http;
using Tide.ApiServer.Authorization;
using Tide.ApiServer.Faults;
using Tide.ApiServer.Resources;

namespace Tide.ApiServer.Http;

/// <summary>The one request entry point: health, authentication, impersonation, authorization (RBAC, skipped for
/// system:masters), discovery, then resource requests (with injected faults) and access reviews. Every failure
/// leaves as a Kubernetes Status.</summary>
internal sealed class ApiHandler(ResourceCatalog catalog, Authenticator authenticator, RbacAuthorizer authorizer,
    FaultInjector faults, ResourceEndpoint resources, AccessReviewEndpoint reviews, Func<string> serverAddress)
{
    private readonly Impersonation _impersonation = new(authorizer);
    private readonly Discovery _discovery = new(catalog);
    private readonly OpenApi _openApi = new(catalog);

    public async Task HandleAsync(HttpContext context)
    {
        try
        {
            await RouteAsync(context);
        }
        catch (ApiException e) when (!context.Response.HasStarted)
        {
            if (e.Code == 429) context.Response.Headers.RetryAfter = ((int)faults.Options.RetryAfter.TotalSeconds).ToString();
            await Responses.WriteAsync(context, e.Code, e.ToStatus());
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away; there is no one to answer.
        }
        catch (Exception e) when (!context.Response.HasStarted)
        {
            // A bug must still answer as Kubernetes does (500 with a Status), not drop the connection.
            await Responses.WriteAsync(context, 500, ApiException.Internal(e.Message).ToStatus());
        }
    }

    private async Task RouteAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "/";
        if (path is "/healthz" or "/livez" or "/readyz")
        {
            context.Response.ContentType = "text/plain";
            await context.Response.WriteAsync("ok", context.RequestAborted);
            return;
        }
        var user = authenticator.Authenticate(context);
        user = _impersonation.Apply(user, context.Request.Headers);
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries).Select(Uri.UnescapeDataString).ToArray();
        var apiPath = ApiPath.Parse(segments);
        if (!user.IsSuperuser) authorizer.Require(AccessAttributes.Of(user, context.Request, apiPath));
        var get = HttpMethods.IsGet(context.Request.Method);
        var document = (segments, get) switch
        {
            (["version"], true) => Discovery.Version(),
            (["api"], true) => Discovery.CoreVersions(serverAddress()),
            (["apis"], true) => _discovery.GroupList(),
            (["apis", var g], true) => _discovery.Group(g) ?? throw NotFound(path),
            (["api", "v1"], true) => _discovery.ResourceList("", "v1"),
            (["apis", var g, var v], true) => _discovery.ResourceList(g, v) ?? throw NotFound(path),
            (["openapi", "v3"], true) => _openApi.Root(),
            (["openapi", "v3", .. var gv], true) => _openApi.GroupVersion(string.Join('/', gv)) ?? throw NotFound(path),
            _ => null,
        };
        if (document is not null)
        {
            await Responses.WriteAsync(context, 200, document);
            return;
        }
        if (apiPath is null) throw NotFound(path);
        if (AccessReviewEndpoint.Serves(apiPath))
        {
            await reviews.HandleAsync(context, apiPath, user);
            return;
        }
        await resources.HandleAsync(context, apiPath, user, faults);
    }

    private static ApiException NotFound(string path) =>
        ApiException.NotFound($"the server could not find the requested resource ({path})");
}
