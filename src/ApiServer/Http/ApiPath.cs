namespace Tide.ApiServer.Http;

/// <summary>A parsed resource URL: /api/v1/namespaces/{ns}/{resource}/{name}/{subresource} or
/// /apis/{group}/{version}/..., following Kubernetes' RequestInfo rules (namespaces/{ns}/status is the Namespace's
/// status, not a resource called "status").</summary>
internal sealed record ApiPath(string Group, string Version, string? Namespace, string Resource, string? Name, string? Subresource)
{
    public static ApiPath? Parse(string[] segments)
    {
        int start;
        string group;
        string version;
        if (segments.Length >= 3 && segments[0] == "api")
        {
            (group, version, start) = ("", segments[1], 2);
        }
        else if (segments.Length >= 4 && segments[0] == "apis")
        {
            (group, version, start) = (segments[1], segments[2], 3);
        }
        else
        {
            return null;
        }
        var rest = segments[start..];
        string? ns = null;
        if (rest[0] == "namespaces" && rest.Length >= 3 && rest[2] is not ("status" or "finalize"))
        {
            ns = rest[1];
            rest = rest[2..];
        }
        return rest.Length switch
        {
            1 => new ApiPath(group, version, ns, rest[0], null, null),
            2 => new ApiPath(group, version, ns, rest[0], rest[1], null),
            3 => new ApiPath(group, version, ns, rest[0], rest[1], rest[2]),
            _ => null,
        };
    }
}
