using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;
using Tide.Engine.Helm.Charts;
using Tide.Engine.Helm.Template;
using Tide.Engine.Helm.Yaml;

namespace Tide.Engine.Helm.Rendering;

/// <summary>
/// values.schema.json validation of the coalesced values as helm v4.1.4 does it (santhosh-tekuri/jsonschema v6):
/// the chart and each subchart that has values, unknown keywords ignored, the draft named by $schema (draft-04 to
/// 2020-12, http or https; 2020-12 without one), `format` asserted for drafts before 2019-09, and failures worded
/// as that validator words them ("- at '/policy': got null, want string").
/// </summary>
public static class ValuesSchema
{
    private const string Draft04 = "draft-04";

    // Schemas are immutable once built; charts are rendered again and again with the same schema text.
    private static readonly ConcurrentDictionary<string, CompiledSchema> Compiled = new(StringComparer.Ordinal);

    // Validation is a pure function of schema and values: the same release reconciled again is not re-validated.
    private static readonly ConcurrentDictionary<(string Schema, string Values), bool> Valid = new();
    private const int ValidLimit = 1024;

    private sealed record CompiledSchema(JsonSchema Schema, JsonNode Document, bool AssertFormat);

    public static void Validate(Chart chart, Dictionary<string, object?> values)
    {
        var sb = new StringBuilder();
        Collect(chart, values, sb);
        if (sb.Length > 0)
            throw new RenderException("values don't meet the specifications of the schema(s) in the following chart(s):\n" + sb.ToString().TrimEnd('\n') + "\n");
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
        {
            // helm v4.1.4 skips a subchart without values and reports one whose values are not a map.
            switch (values.GetValueOrDefault(dep.Name))
            {
                case null:
                    continue;
                case Dictionary<string, object?> sub:
                    Collect(dep, sub, sb);
                    break;
                case var other:
                    sb.Append(dep.Name).Append(":\ninvalid type for values: expected object (map), got ").Append(GoValue.TypeName(other)).Append('\n');
                    break;
            }
        }
    }

    private static void Evaluate(string chartName, string schemaText, string json, StringBuilder sb)
    {
        CompiledSchema compiled;
        try
        {
            compiled = Compiled.GetOrAdd(schemaText, Compile);
        }
        catch (Exception e) when (e is JsonException or JsonSchemaException or ArgumentException or InvalidOperationException or FormatException)
        {
            throw new RenderException($"{chartName}: invalid values.schema.json: {OneLine(e.Message)}");
        }
        using var instance = JsonDocument.Parse(json);
        var options = new EvaluationOptions { OutputFormat = OutputFormat.Flag, RequireFormatValidation = compiled.AssertFormat };
        EvaluationResults result;
        try
        {
            // A pass/fail evaluation is much cheaper; the detailed one runs only to explain a failure.
            if (compiled.Schema.Evaluate(instance.RootElement, options).IsValid)
            {
                if (Valid.Count > ValidLimit)
                    Valid.Clear();
                Valid[(schemaText, json)] = true;
                return;
            }
            options.OutputFormat = OutputFormat.Hierarchical;
            result = compiled.Schema.Evaluate(instance.RootElement, options);
        }
        catch (Exception e) when (e is JsonSchemaException or ArgumentException or InvalidOperationException or FormatException or System.Text.RegularExpressions.RegexParseException)
        {
            throw new RenderException($"unable to validate schema: {OneLine(e.Message)}");
        }
        sb.Append(chartName).Append(":\n");
        var errors = new Explainer(compiled.Document, JsonNode.Parse(json)).Errors(result);
        // The report's top level lists the root's errors; a lone group there is replaced by what it groups.
        if (errors is [{ Message: "validation failed" } lone])
            errors = [.. lone.Causes];
        foreach (var error in errors)
            error.AppendTo(sb, 0);
    }

    /// <summary>One line of helm's validation report and the errors under it (santhosh-tekuri's ValidationError).</summary>
    private sealed record Failure(string Location, string Message, IReadOnlyList<Failure> Causes)
    {
        public void AppendTo(StringBuilder sb, int depth)
        {
            sb.Append(' ', 2 * depth).Append("- at '").Append(Location).Append("': ").Append(Message).Append('\n');
            foreach (var cause in Causes)
                cause.AppendTo(sb, depth + 1);
        }
    }

    /// <summary>Rebuilds santhosh-tekuri's error tree from JsonSchema.Net's hierarchical results: a type mismatch
    /// hides the schema's other errors; several errors of one subschema become "validation failed" with the errors
    /// under it; anyOf/oneOf/allOf/not report themselves with their branches' errors under them.</summary>
    private sealed class Explainer(JsonNode schema, JsonNode? instance)
    {
        private static readonly HashSet<string> Combinators = ["anyOf", "oneOf", "allOf", "not"];

        public List<Failure> Errors(EvaluationResults node)
        {
            var location = node.InstanceLocation.ToString();
            var own = node.Errors ?? new Dictionary<string, string>();
            if (own.ContainsKey("type"))
                return [new Failure(location, Describe("type", node), [])];
            var failures = own.Keys.Where(k => !Combinators.Contains(k)).Select(k => new Failure(location, Describe(k, node), [])).ToList();
            var path = node.EvaluationPath.ToString();
            var additional = new List<EvaluationResults>();
            foreach (var group in (node.Details ?? []).GroupBy(d => Keyword(path, d.EvaluationPath.ToString())))
            {
                var failed = group.Where(d => !d.IsValid).ToList();
                switch (group.Key)
                {
                    case "additionalProperties":
                        additional.AddRange(failed);
                        break;
                    case "anyOf" when failed.Count == group.Count():
                    case "allOf" when failed.Count > 0:
                    case "oneOf" when group.Count() - failed.Count != 1:
                    case "not" when failed.Count == 0:
                        failures.Add(Combinator(group.Key, location, group.Count(), failed));
                        break;
                    case "anyOf" or "allOf" or "oneOf" or "not":
                        break;
                    default:
                        foreach (var child in failed)
                            if (Collapse(child) is { } failure)
                                failures.Add(failure);
                        break;
                }
            }
            if (additional.Count > 0 && Resolve(schema, node.SchemaLocation.Fragment.TrimStart('#')) is JsonObject owner &&
                Resolve(instance, location) is JsonObject obj)
                failures.Add(new Failure(location, AdditionalProperties(owner, obj), []));
            return failures;
        }

        private Failure? Collapse(EvaluationResults node)
        {
            var errors = Errors(node);
            return errors.Count switch
            {
                0 => null,
                1 => errors[0],
                _ => new Failure(node.InstanceLocation.ToString(), "validation failed", errors),
            };
        }

        private Failure Combinator(string keyword, string location, int branches, List<EvaluationResults> failed)
        {
            var causes = failed.Select(Collapse).OfType<Failure>().ToList();
            if (keyword == "oneOf")
            {
                if (failed.Count < branches)
                {
                    var matched = Enumerable.Range(0, branches).Where(i => failed.All(f => !f.EvaluationPath.ToString().EndsWith("/oneOf/" + i, StringComparison.Ordinal))).ToList();
                    return new Failure(location, $"'oneOf' failed, subschemas {string.Join(", ", matched)} matched", []);
                }
                return new Failure(location, "'oneOf' failed, none matched", causes);
            }
            return new Failure(location, $"'{keyword}' failed", keyword == "not" ? [] : causes);
        }

        /// <summary>The applicator keyword through which a child result was reached from its parent.</summary>
        private static string Keyword(string parentPath, string childPath)
        {
            var rest = childPath.StartsWith(parentPath, StringComparison.Ordinal) ? childPath[parentPath.Length..] : childPath;
            var parts = rest.Split('/', StringSplitOptions.RemoveEmptyEntries);
            return parts.Length > 0 ? parts[0] : "";
        }

        private string Describe(string keyword, EvaluationResults node) => ValuesSchema.Describe(keyword, node, schema, instance);
    }

    private static string OneLine(string message) => message.ReplaceLineEndings(" ").Trim();

    private static CompiledSchema Compile(string text)
    {
        var document = JsonNode.Parse(text, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Disallow })
                       ?? throw new JsonException("schema is null");
        var draft = 2020;
        if (document is JsonObject root && root["$schema"] is JsonValue declared && declared.TryGetValue<string>(out var dialect))
        {
            var known = DraftOf(dialect);
            if (known == Draft04)
            {
                draft = 4;
                root["$schema"] = "http://json-schema.org/draft-06/schema#";
                UpgradeDraft04(root);
            }
            else if (known is not null)
                root["$schema"] = known;
            else
                root.Remove("$schema");
            if (known is not null)
                draft = known.Contains("2019", StringComparison.Ordinal) ? 2019 : known.Contains("2020", StringComparison.Ordinal) ? 2020 : 7;
        }
        var options = new BuildOptions { Dialect = Dialect.Draft202012, SchemaRegistry = new SchemaRegistry() };
        var schema = JsonSchema.Build(JsonDocument.Parse(document.ToJsonString()).RootElement, options, new Uri("file:///values.schema.json"));
        return new CompiledSchema(schema, document, draft < 2019);
    }

    /// <summary>santhosh-tekuri's draftFromURL: the draft a $schema names, http or https, with or without "#";
    /// null for any other URL. The result is the id JsonSchema.Net registers for that draft.</summary>
    private static string? DraftOf(string url)
    {
        var hash = url.IndexOf('#');
        if (hash >= 0 && hash < url.Length - 1)
            return null;
        var u = hash >= 0 ? url[..hash] : url;
        u = u.StartsWith("http://", StringComparison.Ordinal) ? u[7..] : u.StartsWith("https://", StringComparison.Ordinal) ? u[8..] : u;
        return u switch
        {
            "json-schema.org/schema" or "json-schema.org/draft/2020-12/schema" => "https://json-schema.org/draft/2020-12/schema",
            "json-schema.org/draft/2019-09/schema" => "https://json-schema.org/draft/2019-09/schema",
            "json-schema.org/draft-07/schema" => "http://json-schema.org/draft-07/schema#",
            "json-schema.org/draft-06/schema" => "http://json-schema.org/draft-06/schema#",
            "json-schema.org/draft-04/schema" => Draft04,
            _ => null,
        };
    }

    /// <summary>Draft-04 differs from draft-06 in two keywords: boolean exclusiveMinimum/Maximum modify
    /// minimum/maximum, and `id` is `$id`. Rewritten in place so draft-06 evaluates the same constraints.</summary>
    private static void UpgradeDraft04(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (bound, exclusive) in new[] { ("minimum", "exclusiveMinimum"), ("maximum", "exclusiveMaximum") })
                {
                    if (obj[exclusive] is JsonValue flag && flag.TryGetValue<bool>(out var on))
                    {
                        obj.Remove(exclusive);
                        if (on && obj[bound] is { } limit)
                        {
                            obj.Remove(bound);
                            obj[exclusive] = limit;
                        }
                    }
                }
                if (obj["id"] is JsonValue id && id.TryGetValue<string>(out var idText) && !obj.ContainsKey("$id"))
                {
                    obj.Remove("id");
                    obj["$id"] = idText;
                }
                foreach (var (_, child) in obj.ToList())
                    UpgradeDraft04(child);
                break;
            case JsonArray arr:
                foreach (var child in arr)
                    UpgradeDraft04(child);
                break;
        }
    }

    /// <summary>The message santhosh-tekuri/jsonschema gives for a failed keyword, rebuilt from the keyword's value
    /// in the schema and the instance value; the library's own message where the schema node cannot be found.</summary>
    private static string Describe(string keyword, EvaluationResults detail, JsonNode schema, JsonNode? instance)
    {
        var fallback = detail.Errors![keyword];
        if (SchemaHolding(keyword, detail, schema) is not { } at)
            return fallback;
        var want = at[keyword];
        var got = Resolve(instance, detail.InstanceLocation.ToString());
        switch (keyword)
        {
            case "type":
                var types = want is JsonArray list ? list.Select(t => t?.ToString() ?? "") : [want?.ToString() ?? ""];
                return $"got {TypeOf(got)}, want {string.Join(" or ", types)}";
            case "required" when got is JsonObject obj && want is JsonArray names:
                var missing = names.Select(n => n?.ToString() ?? "").Where(n => !obj.ContainsKey(n)).ToList();
                return missing.Count == 1 ? "missing property " + Quote(missing[0]) : "missing properties " + string.Join(", ", missing.Select(Quote));
            case "enum" when want is JsonArray values:
                if (values.Any(v => v is JsonObject or JsonArray))
                    return "enum failed";
                return values.Count == 1 ? "value must be " + Display(values[0]) : "value must be one of " + string.Join(", ", values.Select(Display));
            case "const":
                return want is JsonObject or JsonArray ? "const failed" : "value must be " + Display(want);
            case "additionalProperties" when got is JsonObject obj:
                return AdditionalProperties(at, obj);
            case "minimum" or "maximum" or "exclusiveMinimum" or "exclusiveMaximum" or "multipleOf":
                return $"{keyword}: got {Number(got)}, want {Number(want)}";
            case "minLength" or "maxLength" when got is JsonValue s && s.TryGetValue<string>(out var str):
                return $"{keyword}: got {Grouped(str.EnumerateRunes().Count().ToString(CultureInfo.InvariantCulture))}, want {Number(want)}";
            case "minItems" or "maxItems" when got is JsonArray items:
                return $"{keyword}: got {Grouped(items.Count.ToString(CultureInfo.InvariantCulture))}, want {Number(want)}";
            case "minProperties" or "maxProperties" when got is JsonObject props:
                return $"{keyword}: got {Grouped(props.Count.ToString(CultureInfo.InvariantCulture))}, want {Number(want)}";
            case "pattern" when got is JsonValue s && s.TryGetValue<string>(out var str):
                return $"{Quote(str)} does not match pattern {Quote(want?.ToString() ?? "")}";
            case "format":
                return $"{Display(got)} is not valid {Quote(want?.ToString() ?? "")}";
            case "anyOf" or "allOf" or "not":
                return keyword + " failed";
            case "oneOf":
                return "oneOf failed, none matched";
            case "uniqueItems" when got is JsonArray items:
                for (var j = 1; j < items.Count; j++)
                    for (var i = 0; i < j; i++)
                        if (JsonNode.DeepEquals(items[i], items[j]))
                            return $"items at {i} and {j} are equal";
                return fallback;
            default:
                return fallback;
        }
    }

    /// <summary>The subschema whose keyword failed: at the result's schema location, or (for array items, whose
    /// location JsonSchema.Net suffixes with an extra segment) the nearest enclosing schema that has the keyword.</summary>
    private static JsonObject? SchemaHolding(string keyword, EvaluationResults detail, JsonNode schema)
    {
        var pointer = Uri.UnescapeDataString(detail.SchemaLocation.Fragment.TrimStart('#'));
        for (var depth = 0; depth < 2; depth++)
        {
            if (Resolve(schema, pointer) is JsonObject at && at.ContainsKey(keyword))
                return at;
            var slash = pointer.LastIndexOf('/');
            if (slash < 0)
                break;
            pointer = pointer[..slash];
        }
        return null;
    }

    private static string AdditionalProperties(JsonObject schema, JsonObject obj) =>
        "additional properties " + string.Join(", ", obj.Select(p => p.Key).Where(k => !Declared(schema, k)).Select(Quote)) + " not allowed";

    private static bool Declared(JsonObject schema, string key)
    {
        if (schema["properties"] is JsonObject props && props.ContainsKey(key))
            return true;
        return schema["patternProperties"] is JsonObject patterns &&
               patterns.Any(p => System.Text.RegularExpressions.Regex.IsMatch(key, p.Key));
    }

    private static JsonNode? Resolve(JsonNode? root, string pointer)
    {
        var node = root;
        foreach (var raw in pointer.Split('/').Skip(1))
        {
            var token = Uri.UnescapeDataString(raw).Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
            node = node switch
            {
                JsonObject o => o[token],
                JsonArray a when int.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out var i) && i < a.Count => a[i],
                _ => null,
            };
            if (node is null)
                return null;
        }
        return node;
    }

    private static string TypeOf(JsonNode? v) => v switch
    {
        null => "null",
        JsonObject => "object",
        JsonArray => "array",
        JsonValue value => value.GetValueKind() switch
        {
            JsonValueKind.String => "string",
            JsonValueKind.True or JsonValueKind.False => "boolean",
            JsonValueKind.Number => "number",
            _ => "null",
        },
        _ => "null",
    };

    /// <summary>A number as helm's validator prints it: Go's %v through an English message printer, which groups
    /// thousands ("70,000").</summary>
    private static string Number(JsonNode? v) =>
        v is JsonValue n && n.TryGetValue<double>(out var d) ? Grouped(GoValue.FormatFloat(d, 'g', -1)) : v?.ToJsonString() ?? "<nil>";

    private static string Grouped(string number)
    {
        if (number.Contains('e', StringComparison.Ordinal))
            return number;
        var sign = number.StartsWith('-') ? "-" : "";
        var digits = number.TrimStart('-');
        var dot = digits.IndexOf('.');
        var whole = dot < 0 ? digits : digits[..dot];
        var sb = new StringBuilder();
        for (var i = 0; i < whole.Length; i++)
        {
            if (i > 0 && (whole.Length - i) % 3 == 0)
                sb.Append(',');
            sb.Append(whole[i]);
        }
        return sign + sb + (dot < 0 ? "" : digits[dot..]);
    }

    /// <summary>santhosh-tekuri's display: strings quoted, containers as "value", the rest as Go's %v.</summary>
    private static string Display(JsonNode? v) => v switch
    {
        null => "<nil>",
        JsonObject or JsonArray => "value",
        JsonValue s when s.GetValueKind() == JsonValueKind.String => Quote(s.GetValue<string>()),
        JsonValue n when n.GetValueKind() == JsonValueKind.Number => Number(n),
        _ => v.ToJsonString(),
    };

    /// <summary>Go's %q with single quotes, as santhosh-tekuri's quote.</summary>
    private static string Quote(string s)
    {
        var q = GoFormat.GoQuote(s);
        return "'" + q[1..^1].Replace("\\\"", "\"", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal) + "'";
    }
}
