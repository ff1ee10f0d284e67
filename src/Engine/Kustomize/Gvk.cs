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

    /// <summary>
    /// Cluster-scoped as kustomize v5.5.0 knows it: its built-in schema is Kubernetes 1.21, so only these group
    /// versions count (a newer one, e.g. flowcontrol v1 FlowSchema or ValidatingAdmissionPolicy, gets a namespace).
    /// </summary>
    public bool IsClusterScoped => ClusterScoped.Contains((Group, Version, Kind));

    private static readonly HashSet<(string, string, string)> ClusterScoped = Expand(
        ("admissionregistration.k8s.io", ["v1", "v1beta1"], ["MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"]),
        ("apiextensions.k8s.io", ["v1", "v1beta1"], ["CustomResourceDefinition"]),
        ("apiregistration.k8s.io", ["v1", "v1beta1"], ["APIService"]),
        ("certificates.k8s.io", ["v1", "v1beta1"], ["CertificateSigningRequest"]),
        ("flowcontrol.apiserver.k8s.io", ["v1beta1"], ["FlowSchema", "PriorityLevelConfiguration"]),
        ("networking.k8s.io", ["v1", "v1beta1"], ["IngressClass"]),
        ("node.k8s.io", ["v1", "v1beta1"], ["RuntimeClass"]),
        ("policy", ["v1beta1"], ["PodSecurityPolicy"]),
        ("rbac.authorization.k8s.io", ["v1", "v1beta1"], ["ClusterRole", "ClusterRoleBinding"]),
        ("scheduling.k8s.io", ["v1", "v1beta1"], ["PriorityClass"]),
        ("storage.k8s.io", ["v1", "v1beta1"], ["CSIDriver", "CSINode", "StorageClass", "VolumeAttachment"]),
        ("", ["v1"], ["ComponentStatus", "Namespace", "Node", "NodeProxyOptions", "PersistentVolume"]));

    private static HashSet<(string, string, string)> Expand(params (string Group, string[] Versions, string[] Kinds)[] entries) =>
        entries.SelectMany(e => e.Versions.SelectMany(v => e.Kinds.Select(k => (e.Group, v, k)))).ToHashSet();
}
