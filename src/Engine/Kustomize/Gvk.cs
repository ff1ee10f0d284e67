namespace Tide.Engine.Kustomize;

/// <summary>Group, version and kind of a resource; empty strings where absent.</summary>
public sealed record Gvk(string Group, string Version, string Kind)
{
    public static Gvk FromApiVersion(string? apiVersion, string? kind)
    {
        apiVersion ??= "";
        var slash = apiVersion.IndexOf('/');
        return slash >= 0
            ? new Gvk(apiVersion[..slash], apiVersion[(slash + 1)..], kind ?? "")
            : new Gvk("", apiVersion, kind ?? "");
    }

    /// <summary>True when every non-empty field of the selector equals this one's.</summary>
    public bool IsSelectedBy(Gvk? selector) =>
        selector is null ||
        ((selector.Group.Length == 0 || selector.Group == Group) &&
         (selector.Version.Length == 0 || selector.Version == Version) &&
         (selector.Kind.Length == 0 || selector.Kind == Kind));

    /// <summary>Kinds the Kubernetes API serves without a namespace (kustomize's built-in OpenAPI knowledge).</summary>
    public bool IsClusterScoped => ClusterScopedKinds.Contains(Kind);

    private static readonly HashSet<string> ClusterScopedKinds =
    [
        "APIService", "CertificateSigningRequest", "ClusterRole", "ClusterRoleBinding", "ComponentStatus",
        "CSIDriver", "CSINode", "CustomResourceDefinition", "FlowSchema", "IngressClass",
        "MutatingWebhookConfiguration", "Namespace", "Node", "PersistentVolume", "PodSecurityPolicy",
        "PriorityClass", "PriorityLevelConfiguration", "RuntimeClass", "SelfSubjectAccessReview",
        "SelfSubjectRulesReview", "StorageClass", "SubjectAccessReview", "TokenReview",
        "ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding", "ValidatingWebhookConfiguration",
        "VolumeAttachment", "ClusterTrustBundle", "StorageVersionMigration", "VolumeAttributesClass",
        "IPAddress", "ServiceCIDR", "DeviceClass", "MutatingAdmissionPolicy", "MutatingAdmissionPolicyBinding",
        "SelfSubjectReview",
    ];
}
