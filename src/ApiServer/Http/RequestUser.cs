namespace Tide.ApiServer.Http;

/// <summary>Who makes a request: from the bearer token, or the Impersonate-User/Impersonate-Group headers. RBAC
/// decides what it may do unless it is in system:masters.</summary>
public sealed record RequestUser(string Name, IReadOnlyList<string> Groups)
{
    public const string Masters = "system:masters";
    public const string Authenticated = "system:authenticated";
    public const string Unauthenticated = "system:unauthenticated";
    public const string ServiceAccountPrefix = "system:serviceaccount:";

    public static RequestUser Admin { get; } = new("admin", [Masters, Authenticated]);

    /// <summary>Members of system:masters may do everything, without consulting RBAC (as in Kubernetes).</summary>
    public bool IsSuperuser => Groups.Contains(Masters);

    /// <summary>The groups Kubernetes gives every ServiceAccount of <paramref name="ns"/>.</summary>
    public static string[] ServiceAccountGroups(string ns) => ["system:serviceaccounts", "system:serviceaccounts:" + ns];

    /// <summary>The namespace and name of a <c>system:serviceaccount:NS:NAME</c> user name; null for other users.</summary>
    public static (string Namespace, string Name)? ParseServiceAccount(string userName)
    {
        if (!userName.StartsWith(ServiceAccountPrefix, StringComparison.Ordinal)) return null;
        var parts = userName[ServiceAccountPrefix.Length..].Split(':');
        return parts is [{ Length: > 0 } ns, { Length: > 0 } name] ? (ns, name) : null;
    }
}
