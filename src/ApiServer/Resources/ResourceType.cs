namespace Tide.ApiServer.Resources;

/// <summary>One served resource: a group/version/kind and its REST name. Storage is shared by every version of a
/// group/resource (<see cref="StorageKey"/>). <see cref="Verbs"/> null: every REST verb of a stored kind.</summary>
public sealed record ResourceType(
    string Group,
    string Version,
    string Kind,
    string Plural,
    string Singular,
    bool Namespaced,
    IReadOnlyList<string> ShortNames,
    IReadOnlyList<string> Categories,
    bool HasStatus,
    NameRule Names = NameRule.Subdomain,
    IReadOnlyList<PrinterColumn>? PrinterColumns = null,
    IReadOnlyList<string>? Verbs = null)
{
    /// <summary>Whether objects of the kind carry metadata.generation: custom resources and the built-in kinds whose
    /// registry strategy sets it (workloads, Ingress, NetworkPolicy, ...); ConfigMaps, Secrets, Services, RBAC and
    /// the like have none.</summary>
    public bool HasGeneration { get; init; } = true;

    public string GroupVersion => Group.Length == 0 ? Version : Group + "/" + Version;

    /// <summary>"deployments.apps", "configmaps": the group/resource, the same for every version.</summary>
    public string StorageKey => Group.Length == 0 ? Plural : Plural + "." + Group;

    /// <summary>"Deployment.apps", "ConfigMap": how Kubernetes names a kind in Invalid messages.</summary>
    public string QualifiedKind => Group.Length == 0 ? Kind : Kind + "." + Group;

    public string ListKind => Kind + "List";
}
