using System.Text;
using System.Text.RegularExpressions;
using Tide.Engine.Api;
using Tide.Engine.Reconcilers;

namespace Tide.Engine.Generators;

/// <summary>
/// source-watcher's pathPattern (Flux 2.9): "@alias/apps/{app}/envs/{env}" matched against every directory of the
/// alias's source; each match renders the artifacts as templates, names and labels with the captures lowercased,
/// copy paths with them as found. Errors are source-watcher's, terminal (Stalled) as in source-watcher.
/// </summary>
internal static partial class PathPatternExpander
{
    private const string LabelRegex = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";

    public static IReadOnlyList<ArtifactRequest> Expand(ArtifactGeneratorSpec spec, IReadOnlyDictionary<string, string> sources)
    {
        if (spec.PathPattern is not { Length: > 0 } pathPattern)
            return spec.Artifacts.Select(a => new ArtifactRequest(a, new Dictionary<string, string>())).ToList();
        var slash = pathPattern.IndexOf('/');
        if (slash < 0 || !pathPattern.StartsWith('@'))
            throw Terminal($"invalid pathPattern format: {pathPattern}");
        var alias = pathPattern[1..slash];
        var pattern = pathPattern[(slash + 1)..];
        if (!sources.TryGetValue(alias, out var root))
            throw Terminal($"pathPattern \"{pathPattern}\": source alias {alias} not found in local sources");
        var names = ValidateCaptures(pathPattern, pattern);
        foreach (var name in names)
            if (!IsLabel(name))
                throw Terminal($"pathPattern \"{pathPattern}\": capture variable \"{name}\" is not a valid Kubernetes label key: " +
                    $"name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '{LabelRegex}')");
        var matcher = new Regex("^" + Capture().Replace(Regex.Escape(pattern), m => $"(?<{m.Groups[1].Value}>[^/]+)") + "$",
            RegexOptions.CultureInvariant);

        var requests = new List<ArtifactRequest>();
        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var relative in PathGlob.Walk(root, "").Where(p => Directory.Exists(Path.Combine(root, p))))
        {
            var match = matcher.Match(relative);
            if (!match.Success)
                continue;
            var raw = names.ToDictionary(n => n, n => match.Groups[n].Value, StringComparer.Ordinal);
            var normalized = raw.ToDictionary(c => c.Key, c => c.Value.ToLowerInvariant(), StringComparer.Ordinal);
            foreach (var (key, value) in normalized)
                if (value.Length > 63 || !IsLabel(value))
                    throw Terminal($"pathPattern \"{pathPattern}\": captured value \"{value}\" for variable \"{key}\" is not a valid Kubernetes label value: " +
                        (value.Length > 63 ? "must be no more than 63 characters"
                            : $"a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '({LabelRegex})?')"));
            foreach (var artifact in spec.Artifacts)
            {
                OutputArtifact rendered;
                try
                {
                    rendered = artifact with
                    {
                        Name = Render(artifact.Name, normalized),
                        Copy = artifact.Copy.Select(c => c with { From = Render(c.From, raw), To = Render(c.To, raw) }).ToList(),
                    };
                }
                catch (FormatException e)
                {
                    throw Terminal($"pathPattern \"{pathPattern}\": failed to render artifact {artifact.Name} for match {relative}: {e.Message}");
                }
                if (!ArtifactNames.IsDnsSubdomain(rendered.Name))
                    throw Terminal($"pathPattern \"{pathPattern}\": rendered artifact name \"{rendered.Name}\" is not a valid Kubernetes object name: {ArtifactNames.DnsSubdomainRule}");
                if (seen.TryGetValue(rendered.Name, out var previous))
                    throw Terminal($"pathPattern \"{pathPattern}\": directories \"{previous}\" and \"{relative}\" both resolve to artifact name \"{rendered.Name}\"");
                seen[rendered.Name] = relative;
                requests.Add(new ArtifactRequest(rendered, normalized));
            }
        }
        return requests;
    }

    private static List<string> ValidateCaptures(string pathPattern, string pattern)
    {
        var names = new List<string>();
        for (var i = 0; i < pattern.Length; i++)
        {
            if (pattern[i] == '}')
                throw Terminal($"pathPattern \"{pathPattern}\": invalid capture ending at offset {i}: missing opening brace");
            if (pattern[i] != '{')
                continue;
            var end = pattern.IndexOf('}', i + 1);
            if (end < 0)
                throw Terminal($"pathPattern \"{pathPattern}\": invalid capture starting at offset {i}: missing closing brace");
            var name = pattern[(i + 1)..end];
            if (name.Length == 0)
                throw Terminal($"pathPattern \"{pathPattern}\": empty capture variable");
            if (!CaptureName().IsMatch(name))
                throw Terminal($"pathPattern \"{pathPattern}\": capture variable \"{name}\" must be a valid capture name matching [A-Za-z_][A-Za-z0-9_]*");
            if (names.Contains(name))
                throw Terminal($"pathPattern \"{pathPattern}\": duplicate capture variable \"{name}\"");
            names.Add(name);
            i = end;
        }
        return names;
    }

    /// <summary>Replaces each "{name}" with its capture; a malformed or unknown placeholder is a FormatException.</summary>
    private static string Render(string template, IReadOnlyDictionary<string, string> captures)
    {
        var result = new StringBuilder();
        for (var i = 0; i < template.Length; i++)
        {
            switch (template[i])
            {
                case '{':
                    var end = template.IndexOf('}', i + 1);
                    if (end < 0)
                        throw new FormatException($"invalid template \"{template}\": capture starting at offset {i} is missing closing brace");
                    var name = template[(i + 1)..end];
                    if (name.Length == 0)
                        throw new FormatException($"invalid template \"{template}\": empty capture variable");
                    if (!CaptureName().IsMatch(name))
                        throw new FormatException($"invalid template \"{template}\": capture variable \"{name}\" must be a valid capture name matching [A-Za-z_][A-Za-z0-9_]*");
                    if (!captures.TryGetValue(name, out var value))
                        throw new FormatException($"invalid template \"{template}\": capture variable \"{name}\" is not defined by pathPattern");
                    result.Append(value);
                    i = end;
                    break;
                case '}':
                    throw new FormatException($"invalid template \"{template}\": capture ending at offset {i} is missing opening brace");
                default:
                    result.Append(template[i]);
                    break;
            }
        }
        return result.ToString();
    }

    private static bool IsLabel(string value) => value.Length <= 63 && LabelPattern().IsMatch(value);

    private static ReconcileFailure Terminal(string message) =>
        new(ConditionReasons.BuildFailed, "failed to expand path pattern: " + message, terminal: true);

    [GeneratedRegex(@"\\\{([A-Za-z0-9_]+)}")]
    private static partial Regex Capture();

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex CaptureName();

    [GeneratedRegex("^" + LabelRegex + "$")]
    private static partial Regex LabelPattern();
}
