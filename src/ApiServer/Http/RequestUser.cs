namespace Tide.ApiServer.Http;

/// <summary>Who makes a request: from the bearer token, or the Impersonate-User/Impersonate-Group headers. Kept on
/// the HttpContext for authorization (RBAC is not enforced yet).</summary>
public sealed record RequestUser(string Name, IReadOnlyList<string> Groups)
{
    public static RequestUser Admin { get; } = new("admin", ["system:masters", "system:authenticated"]);
}
