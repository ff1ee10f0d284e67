using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Tide.Engine.Yaml;
using ApiYaml = Tide.Engine.Yaml.YamlJson;

namespace Tide.Engine.Substitution;

/// <summary>
/// Flux's postBuild variable substitution: each built object is serialized to YAML, expanded as text by
/// <see cref="EnvSubst"/>, and parsed back, so a variable can produce any YAML (a number, a list) where it stands.
/// Objects labelled or annotated <c>kustomize.toolkit.fluxcd.io/substitute: disabled</c> pass through untouched.
/// </summary>
public static partial class PostBuildSubstitution
{
    public const string SubstituteKey = "kustomize.toolkit.fluxcd.io/substitute";

    /// <summary>
    /// Substitutes <paramref name="variables"/> in every object. Nothing happens when there are no variables, unless
    /// <see cref="SubstitutionOptions.Always"/>. The input objects are not modified; unchanged objects are returned as
    /// they are.
    /// </summary>
    /// <exception cref="SubstitutionException">
    /// an invalid variable name, an object that cannot be expanded (in strict mode: an undefined variable without a
    /// default), or an expansion that is no longer a single YAML object; the message names the object
    /// </exception>
    public static IReadOnlyList<JsonObject> Apply(
        IReadOnlyList<JsonObject> objects, IReadOnlyDictionary<string, string> variables, SubstitutionOptions options)
    {
        if (variables.Count == 0 && !options.Always)
            return objects;
        if (variables.Keys.FirstOrDefault(k => !VariableName().IsMatch(k)) is { } invalid)
            throw new SubstitutionException(
                $"'{invalid}' var name is invalid, must match '^[_[:alpha:]][_[:alpha:][:digit:]]*$'");
        Func<string, string?> lookup = options.Strict
            ? name => variables.GetValueOrDefault(name)
            : name => variables.GetValueOrDefault(name) ?? "";
        return objects.Select(o => IsDisabled(o) ? o : Substitute(o, lookup)).ToList();
    }

    private static JsonObject Substitute(JsonObject obj, Func<string, string?> lookup)
    {
        string expanded;
        try
        {
            expanded = EnvSubst.Evaluate(ApiYaml.Write(obj), lookup);
        }
        catch (EnvSubstException e)
        {
            throw new SubstitutionException($"post build failed for '{Describe(obj)}': envsubst error: variable substitution failed: {e.Message}", e);
        }
        IReadOnlyList<JsonNode?> documents;
        try
        {
            documents = YamlJson.ParseAll(expanded);
        }
        catch (YamlDotNet.Core.YamlException e)
        {
            throw new SubstitutionException($"post build failed for '{Describe(obj)}': the substituted object is not valid YAML (line {e.Start.Line}): {e.InnerException?.Message ?? e.Message}", e);
        }
        return documents is [JsonObject result]
            ? result
            : throw new SubstitutionException($"post build failed for '{Describe(obj)}': the substituted object is not a single YAML object");
    }

    private static bool IsDisabled(JsonObject obj) =>
        IsDisabledValue(obj["metadata"]?["labels"]?[SubstituteKey]) ||
        IsDisabledValue(obj["metadata"]?["annotations"]?[SubstituteKey]);

    private static bool IsDisabledValue(JsonNode? node) =>
        node is JsonValue v && v.TryGetValue<string>(out var s) && s == "disabled";

    private static string Describe(JsonObject obj)
    {
        var kind = obj["kind"]?.GetValue<string>() ?? "?";
        var name = obj["metadata"]?["name"]?.GetValue<string>() ?? "?";
        return obj["metadata"]?["namespace"]?.GetValue<string>() is { Length: > 0 } ns
            ? $"{kind}/{ns}/{name}"
            : $"{kind}/{name}";
    }

    [GeneratedRegex("^[_A-Za-z][_A-Za-z0-9]*$")]
    private static partial Regex VariableName();
}
