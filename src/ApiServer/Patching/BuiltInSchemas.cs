using System.Collections.Frozen;
using System.Text.Json.Nodes;

namespace Tide.ApiServer.Patching;

/// <summary>The merge metadata of the built-in kinds the server serves, transcribed from the struct tags and
/// +listType/+structType markers of Kubernetes' core, apps, batch, policy, autoscaling and admissionregistration types.
/// Strategic merge patch reads patchStrategy/patchMergeKey; server-side apply reads listType/listMapKey (where the Go
/// type has only patch tags, Kubernetes derives a map list keyed by the merge key, which is what is written here).
/// What is not listed has no merge metadata in Kubernetes either: such lists (tolerations, Endpoints subsets, Ingress
/// rules, RBAC rules, args, command...) are replaced by a strategic merge patch and atomic for server-side apply.</summary>
internal static class BuiltInSchemas
{
    private static readonly ValueSchema Conditions = KeyedList("type", ValueSchema.Unknown);

    private static readonly ValueSchema ObjectMeta = Struct(
        ("ownerReferences", KeyedList("uid", AtomicStruct)),
        ("finalizers", MergedSet));

    private static readonly ValueSchema Container = Struct(
        ("ports", KeyedList("containerPort", ValueSchema.Unknown, ("containerPort", null), ("protocol", "TCP"))),
        ("env", KeyedList("name", Struct(("valueFrom", Struct(
            ("configMapKeyRef", AtomicStruct),
            ("secretKeyRef", AtomicStruct),
            ("fieldRef", AtomicStruct),
            ("resourceFieldRef", AtomicStruct)))))),
        ("volumeMounts", KeyedList("mountPath", ValueSchema.Unknown)),
        ("volumeDevices", KeyedList("devicePath", ValueSchema.Unknown)));

    private static readonly ValueSchema PodSpec = Struct(
        ("volumes", KeyedList("name", ValueSchema.Unknown)),
        ("initContainers", KeyedList("name", Container)),
        ("containers", KeyedList("name", Container) with { InZeroValue = true }),
        ("ephemeralContainers", KeyedList("name", Container)),
        ("imagePullSecrets", KeyedList("name", AtomicStruct)),
        ("hostAliases", KeyedList("ip", ValueSchema.Unknown)),
        ("topologySpreadConstraints", KeyedList("topologyKey",
            Struct(("labelSelector", AtomicStruct)), ("topologyKey", null), ("whenUnsatisfiable", null))),
        ("resourceClaims", KeyedList("name", ValueSchema.Unknown)),
        ("schedulingGates", KeyedList("name", ValueSchema.Unknown)),
        ("affinity", Struct(("nodeAffinity", Struct(("requiredDuringSchedulingIgnoredDuringExecution", AtomicStruct))))));

    private static readonly ValueSchema PodStatus = Struct(
        ("conditions", Conditions),
        ("podIPs", KeyedList("ip", ValueSchema.Unknown)),
        ("hostIPs", KeyedList("ip", ValueSchema.Unknown)),
        ("resourceClaimStatuses", KeyedList("name", ValueSchema.Unknown)));

    private static readonly ValueSchema PodTemplateSpec = Struct(("metadata", Zero(ObjectMeta)), ("spec", Zero(PodSpec)));

    private static readonly ValueSchema WithConditions = Struct(("conditions", Conditions));

    private static readonly ValueSchema Workload = Kind(
        Struct(("selector", AtomicStruct), ("template", Zero(PodTemplateSpec)),
            ("strategy", Zero(ValueSchema.Unknown)), ("updateStrategy", Zero(ValueSchema.Unknown))),
        WithConditions);

    // JobStatus.conditions is patch-merged by type but +listType=atomic for server-side apply.
    private static readonly ValueSchema JobSpec = Struct(("selector", AtomicStruct), ("template", Zero(PodTemplateSpec)));

    private static readonly ValueSchema Webhooks = Kind(null, null, ("webhooks", KeyedList("name", ValueSchema.Unknown)));

    private static readonly FrozenDictionary<string, ValueSchema> Kinds = new Dictionary<string, ValueSchema>
    {
        ["/Pod"] = Kind(PodSpec, PodStatus),
        ["/Service"] = Kind(
            Struct(("ports", KeyedList("port", ValueSchema.Unknown, ("port", null), ("protocol", "TCP")))), WithConditions),
        ["/ServiceAccount"] = Kind(null, null, ("secrets", KeyedList("name", ValueSchema.Unknown))),
        ["/Namespace"] = Kind(null, WithConditions),
        ["/PersistentVolumeClaim"] = Kind(null, WithConditions),
        ["apps/Deployment"] = Workload,
        ["apps/StatefulSet"] = Workload,
        ["apps/DaemonSet"] = Workload,
        ["apps/ReplicaSet"] = Workload,
        ["batch/Job"] = Kind(JobSpec, Struct(("conditions", Conditions with { ListType = ListType.Atomic, ListKeys = [] }))),
        ["batch/CronJob"] = Kind(Struct(("jobTemplate", Zero(Struct(("metadata", Zero(ObjectMeta)), ("spec", Zero(JobSpec))))))),
        ["policy/PodDisruptionBudget"] = Kind(Struct(("selector", AtomicStruct)), WithConditions),
        ["autoscaling/HorizontalPodAutoscaler"] = Kind(null, WithConditions),
        ["networking.k8s.io/NetworkPolicy"] = Kind(Struct(("podSelector", AtomicStruct))),
        ["admissionregistration.k8s.io/ValidatingWebhookConfiguration"] = Webhooks,
        ["admissionregistration.k8s.io/MutatingWebhookConfiguration"] = Webhooks,
    }.ToFrozenDictionary();

    /// <summary>API groups served by Kubernetes itself; any other group belongs to a custom resource.</summary>
    private static readonly FrozenSet<string> BuiltInGroups = new[]
    {
        "", "apps", "batch", "policy", "autoscaling", "networking.k8s.io", "rbac.authorization.k8s.io",
        "coordination.k8s.io", "events.k8s.io", "storage.k8s.io", "scheduling.k8s.io", "admissionregistration.k8s.io",
        "apiextensions.k8s.io", "certificates.k8s.io", "discovery.k8s.io", "node.k8s.io", "resource.k8s.io",
        "flowcontrol.apiserver.k8s.io", "authentication.k8s.io", "authorization.k8s.io",
    }.ToFrozenSet(StringComparer.Ordinal);

    private static readonly ValueSchema OtherBuiltInKind = Kind();

    /// <summary>A custom resource has no Go type: nothing is declared below metadata, and nothing is in its zero value.</summary>
    private static readonly ValueSchema CustomResource = Struct(("metadata", ObjectMeta));

    private static ValueSchema AtomicStruct => new() { Atomic = true };

    private static ValueSchema MergedSet => new() { PatchMerge = true, ListType = ListType.Set };

    /// <summary>The schema of a whole object of the given kind; kinds without declared merge metadata (custom
    /// resources included) still get ObjectMeta's.</summary>
    public static ValueSchema For(string apiVersion, string kind)
    {
        var group = Group(apiVersion);
        return Kinds.GetValueOrDefault(group + "/" + kind) ?? (BuiltInGroups.Contains(group) ? OtherBuiltInKind : CustomResource);
    }

    /// <summary>True for Kubernetes' own API groups, false for custom resources.</summary>
    public static bool IsBuiltIn(string apiVersion) => BuiltInGroups.Contains(Group(apiVersion));

    private static string Group(string apiVersion)
    {
        var slash = apiVersion.IndexOf('/');
        return slash < 0 ? "" : apiVersion[..slash];
    }

    private static ValueSchema Kind(ValueSchema? spec = null, ValueSchema? status = null,
        params (string Name, ValueSchema Schema)[] rootFields)
    {
        var fields = new List<(string, ValueSchema)> { ("metadata", ObjectMeta) };
        fields.Add(("spec", Zero(spec ?? ValueSchema.Unknown)));
        fields.Add(("status", Zero(status ?? ValueSchema.Unknown)));
        fields.AddRange(rootFields);
        return Struct([.. fields]);
    }

    private static ValueSchema Zero(ValueSchema schema) => schema with { InZeroValue = true };

    private static ValueSchema Struct(params (string Name, ValueSchema Schema)[] fields) =>
        new() { Fields = fields.ToFrozenDictionary(f => f.Name, f => f.Schema) };

    /// <summary>A list merged by <paramref name="mergeKey"/> (strategic merge patch) and keyed by
    /// <paramref name="keys"/> (server-side apply; the merge key alone when none are given).</summary>
    private static ValueSchema KeyedList(string mergeKey, ValueSchema items, params (string Name, string? Default)[] keys) => new()
    {
        PatchMerge = true,
        PatchMergeKey = mergeKey,
        ListType = ListType.Map,
        ListKeys = keys.Length == 0
            ? [(mergeKey, null)]
            : [.. keys.Select(k => (k.Name, k.Default is null ? null : (JsonNode?)JsonValue.Create(k.Default)))],
        Items = items,
    };
}
