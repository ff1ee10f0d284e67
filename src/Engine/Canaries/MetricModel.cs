using System.Text.RegularExpressions;

namespace Tide.Engine.Canaries;

/// <summary>The variables a metric query may use, as Flagger's MetricTemplateModel: {{ name }}, {{ namespace }},
/// {{ target }}, {{ service }}, {{ ingress }}, {{ route }}, {{ interval }} and {{ variables.KEY }}
/// (a Canary metric's templateVariables).</summary>
public sealed partial record MetricModel(string Name, string Namespace, string Target, string Service, string Ingress,
    string Route, string Interval, IReadOnlyDictionary<string, string> Variables)
{
    /// <summary>The query with every action replaced; an unknown variable fails as Go's template with
    /// missingkey=error does.</summary>
    public string Render(string query) => Action().Replace(query, m =>
    {
        var name = m.Groups["name"].Value;
        if (name.StartsWith("variables.", StringComparison.Ordinal) || name.StartsWith(".variables.", StringComparison.Ordinal))
        {
            var key = name[(name.IndexOf("variables.", StringComparison.Ordinal) + "variables.".Length)..];
            return Variables.TryGetValue(key, out var value)
                ? value
                : throw new MetricQueryException($"template excution failed: map has no entry for key \"{key}\"");
        }
        return name.TrimStart('.') switch
        {
            "name" => Name,
            "namespace" => Namespace,
            "target" => Target,
            "service" => Service,
            "ingress" => Ingress,
            "route" => Route,
            "interval" => Interval,
            _ => throw new MetricQueryException($"template parsing failed: function \"{name}\" not defined"),
        };
    });

    [GeneratedRegex(@"\{\{-?\s*(?<name>\.?[A-Za-z_][A-Za-z0-9_.\-]*)\s*-?\}\}")]
    private static partial Regex Action();
}
