using Tide.Engine.Kustomize.Yaml;

namespace Tide.Engine.Kustomize.FieldSpecs;

/// <summary>
/// Where each built-in transformer looks (kustomize's transformer configuration). The defaults describe
/// Kubernetes' own kinds; `configurations` files and `crds` add entries for custom resources.
/// </summary>
public sealed class TransformerConfig
{
    public List<FieldSpec> NamePrefix { get; } = [];
    public List<FieldSpec> NameSuffix { get; } = [];
    public List<FieldSpec> NameSpace { get; } = [];
    public List<FieldSpec> CommonLabels { get; } = [];
    public List<FieldSpec> TemplateLabels { get; } = [];
    public List<FieldSpec> CommonAnnotations { get; } = [];
    public List<FieldSpec> VarReference { get; } = [];
    public List<FieldSpec> Images { get; } = [];
    public List<FieldSpec> Replicas { get; } = [];
    public List<NameBackReference> NameReference { get; } = [];

    public static TransformerConfig Empty() => new();

    /// <summary>Reads a `configurations` file.</summary>
    public static TransformerConfig FromYaml(YMapping m)
    {
        var c = new TransformerConfig();
        c.NamePrefix.AddRange(FieldSpec.ListFromYaml(m["namePrefix"]));
        c.NameSuffix.AddRange(FieldSpec.ListFromYaml(m["nameSuffix"]));
        c.NameSpace.AddRange(FieldSpec.ListFromYaml(m["namespace"]));
        c.CommonLabels.AddRange(FieldSpec.ListFromYaml(m["commonLabels"]));
        c.TemplateLabels.AddRange(FieldSpec.ListFromYaml(m["templateLabels"]));
        c.CommonAnnotations.AddRange(FieldSpec.ListFromYaml(m["commonAnnotations"]));
        c.VarReference.AddRange(FieldSpec.ListFromYaml(m["varReference"]));
        c.Images.AddRange(FieldSpec.ListFromYaml(m["images"]));
        c.Replicas.AddRange(FieldSpec.ListFromYaml(m["replicas"]));
        if (m["nameReference"] is YSequence refs)
            foreach (var r in refs.Items.OfType<YMapping>())
                c.NameReference.Add(new NameBackReference(
                    new Gvk(r.GetString("group") ?? "", r.GetString("version") ?? "", r.GetString("kind") ?? ""),
                    FieldSpec.ListFromYaml(r["fieldSpecs"])));
        return c;
    }

    /// <summary>Adds the other config's entries that this one lacks.</summary>
    public void Merge(TransformerConfig other)
    {
        MergeList(NamePrefix, other.NamePrefix);
        MergeList(NameSuffix, other.NameSuffix);
        MergeList(NameSpace, other.NameSpace);
        MergeList(CommonLabels, other.CommonLabels);
        MergeList(TemplateLabels, other.TemplateLabels);
        MergeList(CommonAnnotations, other.CommonAnnotations);
        MergeList(VarReference, other.VarReference);
        MergeList(Images, other.Images);
        MergeList(Replicas, other.Replicas);
        foreach (var backRef in other.NameReference)
        {
            var existing = NameReference.FirstOrDefault(b => b.Target == backRef.Target);
            if (existing is null)
                NameReference.Add(new NameBackReference(backRef.Target, [.. backRef.Referrers]));
            else
                MergeList(existing.Referrers, backRef.Referrers);
        }
    }

    private static void MergeList(List<FieldSpec> into, List<FieldSpec> from)
    {
        foreach (var fs in from)
            if (!into.Contains(fs))
                into.Add(fs);
    }

    /// <summary>kustomize's built-in configuration for Kubernetes kinds.</summary>
    public static TransformerConfig Default()
    {
        var c = new TransformerConfig();
        c.NamePrefix.Add(FieldSpec.Any("metadata/name"));
        c.NameSuffix.Add(FieldSpec.Any("metadata/name"));

        c.CommonLabels.Add(Spec("", "v1", "Service", "spec/selector", true));
        c.CommonLabels.Add(Spec("", "v1", "ReplicationController", "spec/selector", true));
        c.CommonLabels.Add(Spec("", "", "Deployment", "spec/selector/matchLabels", true));
        AddAffinitySelectors(c.CommonLabels, "Deployment");
        c.CommonLabels.Add(Spec("", "", "ReplicaSet", "spec/selector/matchLabels", true));
        c.CommonLabels.Add(Spec("", "", "DaemonSet", "spec/selector/matchLabels", true));
        c.CommonLabels.Add(Spec("apps", "", "StatefulSet", "spec/selector/matchLabels", true));
        AddAffinitySelectors(c.CommonLabels, "StatefulSet");
        c.CommonLabels.Add(Spec("batch", "", "Job", "spec/selector/matchLabels", false));
        c.CommonLabels.Add(Spec("batch", "", "CronJob", "spec/jobTemplate/spec/selector/matchLabels", false));
        c.CommonLabels.Add(Spec("policy", "", "PodDisruptionBudget", "spec/selector/matchLabels", false));
        c.CommonLabels.Add(Spec("networking.k8s.io", "", "NetworkPolicy", "spec/podSelector/matchLabels", false));
        c.CommonLabels.Add(Spec("networking.k8s.io", "", "NetworkPolicy", "spec/ingress/from/podSelector/matchLabels", false));
        c.CommonLabels.Add(Spec("networking.k8s.io", "", "NetworkPolicy", "spec/egress/to/podSelector/matchLabels", false));
        var metadataLabels = MetadataLabels();
        c.CommonLabels.AddRange(metadataLabels);
        c.TemplateLabels.AddRange(metadataLabels);

        c.CommonAnnotations.Add(FieldSpec.Any("metadata/annotations", true));
        c.CommonAnnotations.Add(Spec("", "v1", "ReplicationController", "spec/template/metadata/annotations", true));
        foreach (var kind in new[] { "Deployment", "ReplicaSet", "DaemonSet", "StatefulSet" })
            c.CommonAnnotations.Add(Spec("", "", kind, "spec/template/metadata/annotations", true));
        c.CommonAnnotations.Add(Spec("batch", "", "Job", "spec/template/metadata/annotations", true));
        c.CommonAnnotations.Add(Spec("batch", "", "CronJob", "spec/jobTemplate/metadata/annotations", true));
        c.CommonAnnotations.Add(Spec("batch", "", "CronJob", "spec/jobTemplate/spec/template/metadata/annotations", true));

        c.NameSpace.Add(Spec("", "", "Namespace", "metadata/name", true));
        c.NameSpace.Add(Spec("apiregistration.k8s.io", "", "APIService", "spec/service/namespace", true));
        c.NameSpace.Add(Spec("apiextensions.k8s.io", "", "CustomResourceDefinition",
            "spec/conversion/webhook/clientConfig/service/namespace", false));

        AddVarReferences(c.VarReference);
        AddNameReferences(c.NameReference);

        foreach (var path in new[] { "spec/containers[]/image", "spec/initContainers[]/image",
                     "spec/template/spec/containers[]/image", "spec/template/spec/initContainers[]/image" })
            c.Images.Add(FieldSpec.Any(path, true));
        foreach (var kind in new[] { "Deployment", "ReplicationController", "ReplicaSet", "StatefulSet" })
            c.Replicas.Add(Spec("", "", kind, "spec/replicas", true));
        return c;
    }

    private static FieldSpec Spec(string group, string version, string kind, string path, bool create = false) =>
        new(new Gvk(group, version, kind), path, create);

    private static void AddAffinitySelectors(List<FieldSpec> specs, string kind)
    {
        foreach (var path in new[]
                 {
                     "spec/template/spec/affinity/podAffinity/preferredDuringSchedulingIgnoredDuringExecution/podAffinityTerm/labelSelector/matchLabels",
                     "spec/template/spec/affinity/podAffinity/requiredDuringSchedulingIgnoredDuringExecution/labelSelector/matchLabels",
                     "spec/template/spec/affinity/podAntiAffinity/preferredDuringSchedulingIgnoredDuringExecution/podAffinityTerm/labelSelector/matchLabels",
                     "spec/template/spec/affinity/podAntiAffinity/requiredDuringSchedulingIgnoredDuringExecution/labelSelector/matchLabels",
                     "spec/template/spec/topologySpreadConstraints/labelSelector/matchLabels",
                 })
            specs.Add(Spec("apps", "", kind, path));
    }

    private static List<FieldSpec> MetadataLabels() =>
    [
        FieldSpec.Any("metadata/labels", true),
        Spec("", "v1", "ReplicationController", "spec/template/metadata/labels", true),
        Spec("", "", "Deployment", "spec/template/metadata/labels", true),
        Spec("", "", "ReplicaSet", "spec/template/metadata/labels", true),
        Spec("", "", "DaemonSet", "spec/template/metadata/labels", true),
        Spec("apps", "", "StatefulSet", "spec/template/metadata/labels", true),
        Spec("apps", "", "StatefulSet", "spec/volumeClaimTemplates[]/metadata/labels", true),
        Spec("batch", "", "Job", "spec/template/metadata/labels", true),
        Spec("batch", "", "CronJob", "spec/jobTemplate/metadata/labels", true),
        Spec("batch", "", "CronJob", "spec/jobTemplate/spec/template/metadata/labels", true),
    ];

    /// <summary>Where each workload kind keeps its pod spec (and the version the table pins, if any).</summary>
    private static readonly (string Kind, string Version, string PodSpec)[] PodSpecHolders =
    [
        ("Pod", "v1", "spec"),
        ("PodTemplate", "", "template/spec"),
        ("Deployment", "", "spec/template/spec"),
        ("ReplicaSet", "", "spec/template/spec"),
        ("DaemonSet", "", "spec/template/spec"),
        ("StatefulSet", "", "spec/template/spec"),
        ("Job", "", "spec/template/spec"),
        ("CronJob", "", "spec/jobTemplate/spec/template/spec"),
    ];

    private static readonly string[] ServiceAccountHolders =
        ["Pod", "StatefulSet", "Deployment", "ReplicationController", "CronJob", "Job", "DaemonSet"];

    private static string PodSpecOf(string kind) => kind switch
    {
        "Pod" => "spec",
        "CronJob" => "spec/jobTemplate/spec/template/spec",
        _ => "spec/template/spec",
    };

    private static void AddNameReferences(List<NameBackReference> refs)
    {
        foreach (var kind in new[] { "Deployment", "ReplicationController", "ReplicaSet", "StatefulSet" })
            refs.Add(new(new Gvk("", "", kind), [Spec("", "", "HorizontalPodAutoscaler", "spec/scaleTargetRef/name")]));

        var configMap = new List<FieldSpec>();
        foreach (var (kind, version, pod) in PodSpecHolders)
            foreach (var field in new[] { "volumes/configMap/name", "containers/env/valueFrom/configMapKeyRef/name",
                         "initContainers/env/valueFrom/configMapKeyRef/name", "containers/envFrom/configMapRef/name",
                         "initContainers/envFrom/configMapRef/name", "volumes/projected/sources/configMap/name" })
                configMap.Add(Spec("", version, kind, pod + "/" + field));
        configMap.Add(Spec("", "", "Node", "spec/configSource/configMap"));
        configMap.Add(Spec("", "", "Role", "rules/resourceNames"));
        configMap.Add(Spec("", "", "ClusterRole", "rules/resourceNames"));
        configMap.Add(Spec("", "", "Ingress", @"metadata/annotations/nginx.ingress.kubernetes.io\/fastcgi-params-configmap"));
        refs.Add(new(new Gvk("", "v1", "ConfigMap"), configMap));

        var secret = new List<FieldSpec>();
        foreach (var (kind, version, pod) in PodSpecHolders)
            foreach (var field in new[] { "volumes/secret/secretName", "containers/env/valueFrom/secretKeyRef/name",
                         "initContainers/env/valueFrom/secretKeyRef/name", "containers/envFrom/secretRef/name",
                         "initContainers/envFrom/secretRef/name", "imagePullSecrets/name",
                         "volumes/projected/sources/secret/name" })
                secret.Add(Spec("", version, kind, pod + "/" + field));
        secret.Add(Spec("", "", "Ingress", "spec/tls/secretName"));
        secret.Add(Spec("", "", "Ingress", @"metadata/annotations/ingress.kubernetes.io\/auth-secret"));
        secret.Add(Spec("", "", "Ingress", @"metadata/annotations/nginx.ingress.kubernetes.io\/auth-secret"));
        secret.Add(Spec("", "", "Ingress", @"metadata/annotations/nginx.ingress.kubernetes.io\/auth-tls-secret"));
        secret.Add(Spec("", "", "ServiceAccount", "imagePullSecrets/name"));
        foreach (var p in new[] { "secretName", "adminSecretName", "userSecretName", "secretRef" })
            secret.Add(Spec("", "", "StorageClass", "parameters/" + p));
        secret.Add(Spec("", "", "Role", "rules/resourceNames"));
        secret.Add(Spec("", "", "ClusterRole", "rules/resourceNames"));
        secret.Add(Spec("serving.knative.dev", "v1", "Service", "spec/template/spec/containers/env/valueFrom/secretKeyRef/name"));
        secret.Add(Spec("", "", "PersistentVolume", "spec/azureFile/secretName"));
        refs.Add(new(new Gvk("", "v1", "Secret"), secret));

        refs.Add(new(new Gvk("", "v1", "Service"),
        [
            Spec("apps", "", "StatefulSet", "spec/serviceName"),
            Spec("", "", "Ingress", "spec/rules/http/paths/backend/serviceName"),
            Spec("", "", "Ingress", "spec/backend/serviceName"),
            Spec("", "", "Ingress", "spec/rules/http/paths/backend/service/name"),
            Spec("", "", "Ingress", "spec/defaultBackend/service/name"),
            Spec("apiregistration.k8s.io", "", "APIService", "spec/service/name"),
            Spec("admissionregistration.k8s.io", "", "ValidatingWebhookConfiguration", "webhooks/clientConfig/service"),
            Spec("admissionregistration.k8s.io", "", "MutatingWebhookConfiguration", "webhooks/clientConfig/service"),
        ]));
        refs.Add(new(new Gvk("rbac.authorization.k8s.io", "", "Role"),
            [Spec("rbac.authorization.k8s.io", "", "RoleBinding", "roleRef/name")]));
        refs.Add(new(new Gvk("rbac.authorization.k8s.io", "", "ClusterRole"),
        [
            Spec("rbac.authorization.k8s.io", "", "RoleBinding", "roleRef/name"),
            Spec("rbac.authorization.k8s.io", "", "ClusterRoleBinding", "roleRef/name"),
        ]));

        var serviceAccount = new List<FieldSpec>
        {
            Spec("rbac.authorization.k8s.io", "", "RoleBinding", "subjects"),
            Spec("rbac.authorization.k8s.io", "", "ClusterRoleBinding", "subjects"),
        };
        foreach (var kind in ServiceAccountHolders)
            serviceAccount.Add(Spec("", "", kind, PodSpecOf(kind) + "/serviceAccountName"));
        refs.Add(new(new Gvk("", "v1", "ServiceAccount"), serviceAccount));

        refs.Add(new(new Gvk("", "v1", "PersistentVolumeClaim"),
            ServiceAccountHolders.Select(k => Spec("", "", k, PodSpecOf(k) + "/volumes/persistentVolumeClaim/claimName")).ToList()));
        refs.Add(new(new Gvk("", "v1", "PersistentVolume"),
            [Spec("", "", "PersistentVolumeClaim", "spec/volumeName"), Spec("", "", "ClusterRole", "rules/resourceNames")]));
        refs.Add(new(new Gvk("storage.k8s.io", "v1", "StorageClass"),
        [
            Spec("", "", "PersistentVolume", "spec/storageClassName"),
            Spec("", "", "PersistentVolumeClaim", "spec/storageClassName"),
            Spec("", "", "StatefulSet", "spec/volumeClaimTemplates/spec/storageClassName"),
        ]));
        refs.Add(new(new Gvk("scheduling.k8s.io", "v1", "PriorityClass"),
            ServiceAccountHolders.Select(k => Spec("", "", k, PodSpecOf(k) + "/priorityClassName")).ToList()));
        // kustomize's table names the group "networking.k8s.io/v1", so IngressClass names are never rewritten.
        refs.Add(new(new Gvk("networking.k8s.io/v1", "v1", "IngressClass"), [Spec("", "", "Ingress", "spec/ingressClassName")]));
        refs.Add(new(new Gvk("admissionregistration.k8s.io", "", "ValidatingAdmissionPolicy"),
            [Spec("admissionregistration.k8s.io", "", "ValidatingAdmissionPolicyBinding", "spec/policyName")]));
    }

    private static void AddVarReferences(List<FieldSpec> specs)
    {
        string[] containerFields = ["args", "command", "env/value", "volumeMounts/mountPath"];
        void AddPodSpec(string kind, string pod, string nfs)
        {
            foreach (var container in new[] { "containers", "initContainers" })
                foreach (var field in containerFields)
                    specs.Add(Spec("", "", kind, $"{pod}/{container}/{field}"));
            specs.Add(Spec("", "", kind, nfs));
        }
        AddPodSpec("CronJob", "spec/jobTemplate/spec/template/spec", "spec/jobTemplate/spec/template/volumes/nfs/server");
        AddPodSpec("DaemonSet", "spec/template/spec", "spec/template/spec/volumes/nfs/server");
        AddPodSpec("Deployment", "spec/template/spec", "spec/template/spec/volumes/nfs/server");
        specs.Add(Spec("", "", "Deployment", "spec/template/metadata/annotations"));
        specs.Add(Spec("", "", "Ingress", "spec/rules/host"));
        specs.Add(Spec("", "", "Ingress", "spec/tls/hosts"));
        specs.Add(Spec("", "", "Ingress", "spec/tls/secretName"));
        AddPodSpec("Job", "spec/template/spec", "spec/template/spec/volumes/nfs/server");
        AddPodSpec("Pod", "spec", "spec/volumes/nfs/server");
        AddPodSpec("ReplicaSet", "spec/template/spec", "spec/template/spec/volumes/nfs/server");
        specs.Add(Spec("", "", "Service", "spec/ports/port"));
        specs.Add(Spec("", "", "Service", "spec/ports/targetPort"));
        AddPodSpec("StatefulSet", "spec/template/spec", "spec/volumeClaimTemplates/spec/nfs/server");
        specs.Add(Spec("", "", "PersistentVolume", "spec/nfs/server"));
        specs.Add(FieldSpec.Any("metadata/labels"));
        specs.Add(FieldSpec.Any("metadata/annotations"));
    }
}
