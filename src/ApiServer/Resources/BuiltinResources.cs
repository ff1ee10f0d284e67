namespace Tide.ApiServer.Resources;

/// <summary>The built-in kinds served, with the short names, categories and status subresources Kubernetes gives them.</summary>
internal static class BuiltinResources
{
    public const string Namespaces = "namespaces";
    public const string CustomResourceDefinitions = "customresourcedefinitions.apiextensions.k8s.io";
    private static readonly string[] None = [];
    private static readonly string[] All = ["all"];

    /// <summary>Create-only reviews, answered by the authorizer (or, for TokenReview, the authenticator) and never
    /// stored.</summary>
    public static IReadOnlyList<ResourceType> AccessReviews { get; } =
    [
        Review("SelfSubjectAccessReview", "selfsubjectaccessreviews"),
        Review("SelfSubjectRulesReview", "selfsubjectrulesreviews"),
        Review("SubjectAccessReview", "subjectaccessreviews"),
        Review("TokenReview", "tokenreviews", "authentication.k8s.io"),
    ];

    /// <summary>The built-in kinds whose objects carry metadata.generation (their strategies' PrepareForCreate sets
    /// it to 1, as kube-apiserver v1.33+ does for Pods too).</summary>
    private static readonly HashSet<string> WithGeneration =
    [
        "pods", "deployments.apps", "statefulsets.apps", "daemonsets.apps", "replicasets.apps", "jobs.batch",
        "cronjobs.batch", "ingresses.networking.k8s.io", "ingressclasses.networking.k8s.io",
        "networkpolicies.networking.k8s.io", "poddisruptionbudgets.policy",
        "mutatingwebhookconfigurations.admissionregistration.k8s.io",
        "validatingwebhookconfigurations.admissionregistration.k8s.io",
        "validatingadmissionpolicies.admissionregistration.k8s.io",
        "validatingadmissionpolicybindings.admissionregistration.k8s.io", CustomResourceDefinitions,
    ];

    public static IReadOnlyList<ResourceType> Types { get; } = Stored().Select(t => t with { HasGeneration = WithGeneration.Contains(t.StorageKey) })
        .Concat(AccessReviews).ToList();

    private static ResourceType[] Stored() =>
    [
        Core("Namespace", "namespaces", false, ["ns"], None, status: true, NameRule.Label),
        Core("ConfigMap", "configmaps", true, ["cm"], None, status: false),
        Core("Secret", "secrets", true, None, None, status: false),
        Core("Service", "services", true, ["svc"], All, status: true, NameRule.Label),
        Core("ServiceAccount", "serviceaccounts", true, ["sa"], None, status: false),
        Core("Pod", "pods", true, ["po"], All, status: true),
        Core("Event", "events", true, ["ev"], None, status: false),
        Core("PersistentVolumeClaim", "persistentvolumeclaims", true, ["pvc"], None, status: true),
        Core("Endpoints", "endpoints", true, ["ep"], None, status: false),
        Core("LimitRange", "limitranges", true, ["limits"], None, status: false),
        Core("ResourceQuota", "resourcequotas", true, ["quota"], None, status: true),
        new("apps", "v1", "Deployment", "deployments", "deployment", true, ["deploy"], All, true),
        new("apps", "v1", "StatefulSet", "statefulsets", "statefulset", true, ["sts"], All, true),
        new("apps", "v1", "DaemonSet", "daemonsets", "daemonset", true, ["ds"], All, true),
        new("apps", "v1", "ReplicaSet", "replicasets", "replicaset", true, ["rs"], All, true),
        new("batch", "v1", "Job", "jobs", "job", true, None, All, true),
        new("batch", "v1", "CronJob", "cronjobs", "cronjob", true, ["cj"], All, true),
        Rbac("Role", "roles", true),
        Rbac("RoleBinding", "rolebindings", true),
        Rbac("ClusterRole", "clusterroles", false),
        Rbac("ClusterRoleBinding", "clusterrolebindings", false),
        new("networking.k8s.io", "v1", "Ingress", "ingresses", "ingress", true, ["ing"], None, true),
        new("networking.k8s.io", "v1", "IngressClass", "ingressclasses", "ingressclass", false, None, None, false),
        new("networking.k8s.io", "v1", "NetworkPolicy", "networkpolicies", "networkpolicy", true, ["netpol"], None, false),
        new("policy", "v1", "PodDisruptionBudget", "poddisruptionbudgets", "poddisruptionbudget", true, ["pdb"], None, true),
        new("autoscaling", "v2", "HorizontalPodAutoscaler", "horizontalpodautoscalers", "horizontalpodautoscaler", true, ["hpa"], All, true),
        new("coordination.k8s.io", "v1", "Lease", "leases", "lease", true, None, None, false),
        new("events.k8s.io", "v1", "Event", "events", "event", true, ["ev"], None, false),
        new("storage.k8s.io", "v1", "StorageClass", "storageclasses", "storageclass", false, ["sc"], None, false),
        new("scheduling.k8s.io", "v1", "PriorityClass", "priorityclasses", "priorityclass", false, ["pc"], None, false),
        new("admissionregistration.k8s.io", "v1", "MutatingWebhookConfiguration", "mutatingwebhookconfigurations",
            "mutatingwebhookconfiguration", false, None, ["api-extensions"], false),
        new("admissionregistration.k8s.io", "v1", "ValidatingWebhookConfiguration", "validatingwebhookconfigurations",
            "validatingwebhookconfiguration", false, None, ["api-extensions"], false),
        // Stored, not enforced (as webhooks are not called): charts ship them (e.g. Gateway API's safe-upgrade policy).
        new("admissionregistration.k8s.io", "v1", "ValidatingAdmissionPolicy", "validatingadmissionpolicies",
            "validatingadmissionpolicy", false, None, ["api-extensions"], true),
        new("admissionregistration.k8s.io", "v1", "ValidatingAdmissionPolicyBinding", "validatingadmissionpolicybindings",
            "validatingadmissionpolicybinding", false, None, ["api-extensions"], false),
        new("apiextensions.k8s.io", "v1", "CustomResourceDefinition", "customresourcedefinitions",
            "customresourcedefinition", false, ["crd", "crds"], ["api-extensions"], true),
    ];

    private static ResourceType Core(string kind, string plural, bool namespaced, string[] shortNames, string[] categories,
        bool status, NameRule names = NameRule.Subdomain) =>
        new("", "v1", kind, plural, kind.ToLowerInvariant(), namespaced, shortNames, categories, status, names);

    private static ResourceType Review(string kind, string plural, string group = "authorization.k8s.io") =>
        new(group, "v1", kind, plural, "", false, None, None, false, Verbs: ["create"]);

    private static ResourceType Rbac(string kind, string plural, bool namespaced) =>
        new("rbac.authorization.k8s.io", "v1", kind, plural, kind.ToLowerInvariant(), namespaced, None, None, false,
            NameRule.PathSegment);
}
