namespace Tide.Engine.Kustomize.Transformers.Patches;

/// <summary>
/// Kubernetes' patchMergeKey for list fields of its own kinds, by the field's name and position. Lists not listed
/// here are replaced by a patch, as they are for kinds without a schema.
/// </summary>
internal static class MergeKeys
{
    /// <summary>The merge key ("" for a set of scalars), or null when the list is replaced.</summary>
    public static string? For(string path)
    {
        var field = path[(path.LastIndexOf('/') + 1)..];
        return field switch
        {
            "containers" or "initContainers" or "ephemeralContainers" or "env" or "volumes" or "imagePullSecrets"
                or "resourceClaims" or "schedulingGates" or "webhooks" => "name",
            "volumeMounts" => "mountPath",
            "volumeDevices" => "devicePath",
            "hostAliases" => "ip",
            "topologySpreadConstraints" => "topologyKey",
            "conditions" => "type",
            "ownerReferences" => "uid",
            "finalizers" when path == "metadata/finalizers" => "",
            "ports" when path == "spec/ports" => "port",
            "ports" when path.Contains("ontainers/") => "containerPort",
            _ => null,
        };
    }
}
