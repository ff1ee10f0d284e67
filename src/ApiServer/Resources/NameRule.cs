namespace Tide.ApiServer.Resources;

/// <summary>How a kind's object names are validated (Kubernetes uses different rules per kind).</summary>
public enum NameRule
{
    /// <summary>DNS-1123 subdomain: most kinds.</summary>
    Subdomain,
    /// <summary>DNS-1123 label: Namespaces, Services.</summary>
    Label,
    /// <summary>Any path segment: RBAC kinds ("system:controller:...").</summary>
    PathSegment,
}
