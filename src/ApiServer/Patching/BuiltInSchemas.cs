using System.Collections.Frozen;
using System.Text.Json.Nodes;

namespace Tide.ApiServer.Patching;

/// <summary>The merge metadata of the built-in kinds the server serves, transcribed from the struct tags and
/// +listType/+structType markers of Kubernetes' core, apps, batch, policy, autoscaling and admissionregistration types.
/// Strategic merge patch reads patchStrategy/patchMergeKey; server-side apply reads listType/listMapKey (where the Go
/// type has only patch tags, Kubernetes derives a map list keyed by the merge key, which is what is written here).</summary>
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
        ("containers", KeyedList("name", Container)),
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

    private static readonly ValueSchema PodTemplateSpec = Struct(("metadata", ObjectMeta), ("spec", PodSpec));

    private static readonly ValueSchema WithConditions = Struct(("conditions", Conditions));

    private static readonly ValueSchema Workload = Kind(
        Struct(("selector", AtomicStruct), ("template", PodTemplateSpec)), WithConditions);

    // JobStatus.conditions is patch-merged by type but +listType=atomic for server-side apply.
    private static readonly ValueSchema JobSpec = Struct(("selector", AtomicStruct), ("template", PodTemplateSpec));

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
        ["batch/CronJob"] = Kind(Struct(("jobTemplate", Struct(("metadata", ObjectMeta), ("spec", JobSpec))))),
        ["policy/PodDisruptionBudget"] = Kind(Struct(("selector", AtomicStruct)), WithConditions),
        ["autoscaling/HorizontalPodAutoscaler"] = Kind(null, WithConditions),
        ["networking.k8s.io/NetworkPolicy"] = Kind(Struct(("podSelector", AtomicStruct))),
        ["admissionregistration.k8s.io/ValidatingWebhookConfiguration"] = Webhooks,
        ["admissionregistration.k8s.io/MutatingWebhookConfiguration"] = Webhooks,
    }.ToFrozenDictionary();

    private static readonly ValueSchema AnyKind = Kind();

    private static ValueSchema AtomicStruct => new() { Atomic = true };

    private static ValueSchema MergedSet => new() { PatchMerge = true, ListType = ListType.Set };

    /// <summary>The schema of a whole object of the given kind; kinds without declared merge metadata (custom
    /// resources included) still get ObjectMeta's.</summary>
    public static ValueSchema For(string apiVersion, string kind)
    {
        var slash = apiVersion.IndexOf('/');
        var group = slash < 0 ? "" : apiVersion[..slash];
        return Kinds.GetValueOrDefault(group + "/" + kind) ?? AnyKind;
    }

    /// <summary>True for kinds whose schema is known here (built-in kinds), as opposed to custom resources.</summary>
    public static bool IsBuiltIn(string apiVersion, string kind) => For(apiVersion, kind) != AnyKind;

    private static ValueSchema Kind(ValueSchema? spec = null, ValueSchema? status = null,
        params (string Name, ValueSchema Schema)[] rootFields)
    {
        var fields = new List<(string, ValueSchema)> { ("metadata", ObjectMeta) };
        if (spec is not null)
            fields.Add(("spec", spec));
        if (status is not null)
            fields.Add(("status", status));
        fields.AddRange(rootFields);
        return Struct([.. fields]);
    }

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
