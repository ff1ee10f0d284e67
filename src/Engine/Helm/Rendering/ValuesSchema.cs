using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;
using Tide.Engine.Helm.Charts;
using Tide.Engine.Helm.Yaml;

namespace Tide.Engine.Helm.Rendering;

/// <summary>values.schema.json validation of the coalesced values, for the chart and each subchart with its slice.</summary>
public static class ValuesSchema
{
    // Schemas are immutable once built; charts are rendered again and again with the same schema text.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, JsonSchema> Compiled = new(StringComparer.Ordinal);

    // Validation is a pure function of schema and values: the same release reconciled again is not re-validated.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<(string Schema, string Values), bool> Valid = new();
    private const int ValidLimit = 1024;

    public static void Validate(Chart chart, Dictionary<string, object?> values)
    {
        var sb = new StringBuilder();
        Collect(chart, values, sb);
        if (sb.Length > 0)
            throw new RenderException("values don't meet the specifications of the schema(s) in the following chart(s):\n" + sb.ToString().TrimEnd('\n') + "\n");
    }

    /// <summary>Drops a $schema this validator has no dialect for (e.g. "http://json-schema.org/schema#"), which
    /// helm's validator accepts, so validation falls back to the default draft.</summary>
    private static string WithKnownDialect(string schemaText)
    {
        var node = JsonNode.Parse(schemaText);
        if (node is JsonObject obj && obj["$schema"]?.GetValue<string>() is { } dialect &&
            !dialect.Contains("draft-0", StringComparison.Ordinal) && !dialect.Contains("draft/20", StringComparison.Ordinal))
        {
            obj.Remove("$schema");
            return obj.ToJsonString();
        }
        return schemaText;
    }

    private static void Evaluate(string chartName, string schemaText, string json, StringBuilder sb)
    {
        var schema = Compiled.GetOrAdd(schemaText, text => JsonSchema.FromText(WithKnownDialect(text)));
        using var instance = JsonDocument.Parse(json);
        // A pass/fail evaluation is much cheaper; the detailed one runs only to explain a failure.
        if (schema.Evaluate(instance.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.Flag }).IsValid)
        {
            if (Valid.Count > ValidLimit)
                Valid.Clear();
            Valid[(schemaText, json)] = true;
            return;
        }
        var result = schema.Evaluate(instance.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        sb.Append(chartName).Append(":\n");
        foreach (var detail in (result.Details ?? []).Prepend(result).Where(d => d.Errors is { Count: > 0 }))
        {
            // Like helm's validator, a type mismatch is the one error reported for its location.
            var errors = detail.Errors!.TryGetValue("type", out var typeError) ? [typeError] : detail.Errors.Values.ToList();
            foreach (var message in errors)
                sb.Append("- at '").Append(detail.InstanceLocation).Append("': ").Append(HelmStyle(message)).Append('\n');
        }
    }

    /// <summary>Type errors in the words of helm v4's validator ("got null, want string").</summary>
    private static string HelmStyle(string message)
    {
        var m = System.Text.RegularExpressions.Regex.Match(message, "^Value is \"(\\w+)\" but should be \"(\\w+)\"$");
        return m.Success ? $"got {m.Groups[1].Value}, want {m.Groups[2].Value}" : message;
    }

    private static void Collect(Chart chart, Dictionary<string, object?> values, StringBuilder sb)
    {
        if (chart.Schema is { Length: > 0 } schemaText)
        {
            var json = GoJson.Marshal(values, escapeHtml: false);
            if (!Valid.ContainsKey((schemaText, json)))
                Evaluate(chart.Name, schemaText, json, sb);
        }
        foreach (var dep in chart.Dependencies)
            Collect(dep, values.GetValueOrDefault(dep.Name) as Dictionary<string, object?> ?? [], sb);
    }
}
