using System.Text;
using System.Text.Json.Nodes;
using Tide.Engine.Api;

namespace Tide.Engine.Substitution;

/// <summary>
/// The variables of a Kustomization's postBuild as Flux gathers them: the data of each <c>substituteFrom</c> ConfigMap
/// and Secret in order (later entries override earlier ones), then the inline <c>substitute</c> map over them all.
/// Newlines are removed from every value, as Flux does.
/// </summary>
public static class PostBuildVariables
{
    /// <param name="postBuild">the Kustomization's postBuild</param>
    /// <param name="fetched">
    /// the ConfigMaps and Secrets that exist among those <c>substituteFrom</c> names, in the Kustomization's namespace
    /// (as the API server returns them: Secret data in base64); a referenced object absent here is "not found"
    /// </param>
    /// <exception cref="SubstitutionException">a required object is missing, or a Secret value is not base64</exception>
    public static IReadOnlyDictionary<string, string> Resolve(PostBuild postBuild, IEnumerable<JsonObject> fetched)
    {
        var objects = fetched.ToList();
        var variables = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var reference in postBuild.SubstituteFrom ?? [])
        {
            var source = objects.FirstOrDefault(o =>
                Text(o["kind"]) == reference.Kind && Text(o["metadata"]?["name"]) == reference.Name);
            if (source is null)
            {
                if (reference.Optional == true)
                    continue;
                var resource = reference.Kind == "Secret" ? "secrets" : "configmaps";
                throw new SubstitutionException(
                    $"substitute from '{reference.Kind}/{reference.Name}' error: {resource} \"{reference.Name}\" not found");
            }
            foreach (var (key, node) in source["data"] as JsonObject ?? [])
            {
                var value = Text(node) ?? "";
                if (reference.Kind == "Secret")
                    value = DecodeSecretValue(reference.Name, key, value);
                variables[key] = WithoutNewlines(value);
            }
        }
        foreach (var (key, value) in postBuild.Substitute ?? new Dictionary<string, string>())
            variables[key] = WithoutNewlines(value);
        return variables;
    }

    private static string DecodeSecretValue(string secret, string key, string base64)
    {
        try
        {
            return Encoding.UTF8.GetString(Convert.FromBase64String(base64));
        }
        catch (FormatException)
        {
            throw new SubstitutionException($"substitute from 'Secret/{secret}' error: data key '{key}' is not valid base64");
        }
    }

    private static string WithoutNewlines(string value) => value.Replace("\n", "", StringComparison.Ordinal);

    private static string? Text(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
}
