using System.Text;
using System.Text.Json.Nodes;
using Tide.Engine.Api;
using Tide.Engine.Helm.Charts;
using Tide.Engine.Helm.Yaml;
using Tide.Engine.Kube;

namespace Tide.Engine.HelmReleases;

/// <summary>
/// helm-controller's values composition: each valuesFrom entry in order (a ConfigMap or Secret of the HelmRelease's
/// namespace; its valuesKey, 'values.yaml' by default, merged at the root as YAML or set at targetPath), then
/// spec.values merged last. Missing objects or keys fail unless the entry is optional.
/// </summary>
public static class ValuesComposer
{
    public const string DefaultValuesKey = "values.yaml";

    /// <exception cref="ValuesException">A reference cannot be resolved, or its content does not parse.</exception>
    public static async Task<Dictionary<string, object?>> ComposeAsync(KubeClient kube, HelmRelease release, CancellationToken ct)
    {
        var ns = release.Metadata.NamespaceProperty ?? "default";
        var result = new Dictionary<string, object?>();
        foreach (var reference in release.Spec.ValuesFrom ?? [])
        {
            var key = reference.ValuesKey is { Length: > 0 } k ? k : DefaultValuesKey;
            var obj = await kube.GetAsync(new ObjectRef("v1", reference.Kind, ns, reference.Name), ct);
            if (obj is null)
            {
                if (reference.Optional == true)
                    continue;
                throw new ValuesException($"could not resolve {reference.Kind} chart values reference '{ns}/{reference.Name}' with key '{key}': {Plural(reference.Kind)} \"{reference.Name}\" not found");
            }
            var value = Value(obj, reference.Kind, key);
            if (value is null)
            {
                if (reference.Optional == true)
                    continue;
                throw new ValuesException($"missing key '{key}' in {reference.Kind} '{ns}/{reference.Name}'");
            }
            if (reference.TargetPath is { Length: > 0 } path)
            {
                try
                {
                    StrVals.ParseInto($"{path}={value}", result);
                }
                catch (Exception e) when (e is FormatException or ChartException)
                {
                    throw new ValuesException($"unable to replace value at path '{path}' of {reference.Kind} '{ns}/{reference.Name}': {e.Message}");
                }
                continue;
            }
            object? parsed;
            try
            {
                parsed = GoYaml.Parse(value);
            }
            catch (FormatException e)
            {
                throw new ValuesException($"unable to read values from key '{key}' in {reference.Kind} '{ns}/{reference.Name}': {e.Message}");
            }
            if (parsed is Dictionary<string, object?> map)
                result = ValueTables.MergeMaps(result, map);
        }
        return ValueTables.MergeMaps(result, ReleaseRenderer.FromJson(release.Spec.Values));
    }

    private static string? Value(JsonObject obj, string kind, string key)
    {
        if (kind == "Secret")
            return obj["data"]?[key]?.GetValue<string>() is { } encoded ? Encoding.UTF8.GetString(Convert.FromBase64String(encoded)) : null;
        return obj["data"]?[key]?.GetValue<string>();
    }

    private static string Plural(string kind) => kind == "Secret" ? "secrets" : "configmaps";
}
