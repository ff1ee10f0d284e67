using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Tide.Engine.Kube;

namespace Tide.Engine.Canaries;

/// <summary>
/// The ConfigMaps and Secrets a Deployment's pods reference (volumes, projected volumes, env and envFrom of every
/// container and init container; optional references are not tracked), as Flagger's config tracker: each with a
/// checksum of its data; copies named &lt;name&gt;-primary for the primary, whose pod spec is rewritten to use them.
/// A ConfigMap or Secret annotated flagger.app/config-tracking: disabled is left alone, as are Secrets of types
/// other than Opaque, basic-auth, ssh-auth and tls.
/// </summary>
public sealed class ConfigTracker(KubeClient kube, string fieldManager)
{
    private const string TrackingAnnotation = "flagger.app/config-tracking";
    private static readonly HashSet<string> TrackedSecretTypes =
        ["Opaque", "kubernetes.io/basic-auth", "kubernetes.io/ssh-auth", "kubernetes.io/tls"];

    public async Task<IReadOnlyDictionary<string, ConfigRef>> GetAsync(string ns, JsonObject deployment, CancellationToken ct)
    {
        var refs = new Dictionary<string, ConfigRef>();
        foreach (var (type, name) in References(deployment["spec"]?["template"]?["spec"] as JsonObject).Distinct())
        {
            var obj = await kube.GetAsync(new ObjectRef("v1", type == ConfigRef.ConfigMap ? "ConfigMap" : "Secret", ns, name), ct)
                ?? throw new CanaryFailure($"{type} {name}.{ns} get query error: {type}s \"{name}\" not found");
            if (((string?)obj["metadata"]?["annotations"]?[TrackingAnnotation])?.StartsWith("disable", StringComparison.Ordinal) == true)
                continue;
            if (type == ConfigRef.Secret && !TrackedSecretTypes.Contains((string?)obj["type"] ?? "Opaque"))
                continue;
            var checksum = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(SpecHash.Canonical(obj["data"]))))[..16];
            var reference = new ConfigRef(type, name, checksum, obj);
            refs[reference.Key] = reference;
        }
        return refs;
    }

    /// <summary>Creates or updates the -primary copies.</summary>
    public async Task CopyToPrimaryAsync(JsonObject owner, IReadOnlyDictionary<string, ConfigRef> refs, CancellationToken ct)
    {
        foreach (var config in refs.Values)
        {
            var source = config.Object;
            var copy = new JsonObject
            {
                ["apiVersion"] = "v1",
                ["kind"] = config.Type == ConfigRef.ConfigMap ? "ConfigMap" : "Secret",
                ["metadata"] = new JsonObject
                {
                    ["name"] = config.Name + "-primary",
                    ["namespace"] = source["metadata"]?["namespace"]?.DeepClone(),
                    ["annotations"] = CanaryMetadata.WithoutToolkit(source["metadata"]?["annotations"] as JsonObject),
                    ["ownerReferences"] = new JsonArray(CanaryMetadata.OwnerReference(owner)),
                },
            };
            foreach (var field in new[] { "type", "data", "binaryData" })
                if (source[field] is { } value)
                    copy[field] = value.DeepClone();
            await kube.ApplyAsync(copy, new ApplyOptions { FieldManager = fieldManager }, ct);
        }
    }

    /// <summary>The pod spec with every reference to a tracked config renamed to its -primary copy.</summary>
    public static JsonObject UsePrimaryConfigs(JsonObject podSpec, IReadOnlyDictionary<string, ConfigRef> refs)
    {
        var spec = (JsonObject)podSpec.DeepClone();
        void Rename(JsonNode? holder, string field, string type)
        {
            if (holder is JsonObject o && (string?)o[field] is { } name && refs.ContainsKey($"{type}/{name}"))
                o[field] = name + "-primary";
        }
        foreach (var volume in spec["volumes"] as JsonArray ?? [])
        {
            Rename(volume?["configMap"], "name", ConfigRef.ConfigMap);
            Rename(volume?["secret"], "secretName", ConfigRef.Secret);
            foreach (var source in volume?["projected"]?["sources"] as JsonArray ?? [])
            {
                Rename(source?["configMap"], "name", ConfigRef.ConfigMap);
                Rename(source?["secret"], "name", ConfigRef.Secret);
            }
        }
        foreach (var container in Containers(spec))
        {
            foreach (var env in container["env"] as JsonArray ?? [])
            {
                Rename(env?["valueFrom"]?["configMapKeyRef"], "name", ConfigRef.ConfigMap);
                Rename(env?["valueFrom"]?["secretKeyRef"], "name", ConfigRef.Secret);
            }
            foreach (var envFrom in container["envFrom"] as JsonArray ?? [])
            {
                Rename(envFrom?["configMapRef"], "name", ConfigRef.ConfigMap);
                Rename(envFrom?["secretRef"], "name", ConfigRef.Secret);
            }
        }
        return spec;
    }

    private static IEnumerable<(string Type, string Name)> References(JsonObject? podSpec)
    {
        if (podSpec is null)
            yield break;
        foreach (var volume in podSpec["volumes"] as JsonArray ?? [])
        {
            if (Mandatory(volume?["configMap"], "name") is { } configMap)
                yield return (ConfigRef.ConfigMap, configMap);
            if (Mandatory(volume?["secret"], "secretName") is { } secret)
                yield return (ConfigRef.Secret, secret);
            foreach (var source in volume?["projected"]?["sources"] as JsonArray ?? [])
            {
                if (Mandatory(source?["configMap"], "name") is { } projectedMap)
                    yield return (ConfigRef.ConfigMap, projectedMap);
                if (Mandatory(source?["secret"], "name") is { } projectedSecret)
                    yield return (ConfigRef.Secret, projectedSecret);
            }
        }
        foreach (var container in Containers(podSpec))
        {
            foreach (var env in container["env"] as JsonArray ?? [])
            {
                if (Mandatory(env?["valueFrom"]?["configMapKeyRef"], "name") is { } configMap)
                    yield return (ConfigRef.ConfigMap, configMap);
                if (Mandatory(env?["valueFrom"]?["secretKeyRef"], "name") is { } secret)
                    yield return (ConfigRef.Secret, secret);
            }
            foreach (var envFrom in container["envFrom"] as JsonArray ?? [])
            {
                if (Mandatory(envFrom?["configMapRef"], "name") is { } configMap)
                    yield return (ConfigRef.ConfigMap, configMap);
                if (Mandatory(envFrom?["secretRef"], "name") is { } secret)
                    yield return (ConfigRef.Secret, secret);
            }
        }
    }

    private static string? Mandatory(JsonNode? reference, string field) =>
        reference is JsonObject o && o["optional"]?.GetValue<bool>() != true ? (string?)o[field] : null;

    private static IEnumerable<JsonObject> Containers(JsonObject podSpec) =>
        new[] { "initContainers", "containers" }.SelectMany(f => (podSpec[f] as JsonArray ?? []).OfType<JsonObject>());
}
