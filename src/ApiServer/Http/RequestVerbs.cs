using Microsoft.AspNetCore.Http;

namespace Tide.ApiServer.Http;

/// <summary>The Kubernetes verb of a resource request, as RequestInfo derives it from the method, whether the URL
/// names an object, and ?watch: the verb that RBAC checks and that the endpoint serves.</summary>
internal static class RequestVerbs
{
    public static string Of(HttpRequest request, string? name) => request.Method switch
    {
        "POST" => "create",
        "GET" when IsWatch(request.Query) => "watch",
        "GET" => name is null ? "list" : "get",
        "PUT" => "update",
        "PATCH" => "patch",
        "DELETE" => name is null ? "deletecollection" : "delete",
        _ => "",
    };

    private static bool IsWatch(IQueryCollection query) => query["watch"] is var w && (w == "1" || w == "true");
}
