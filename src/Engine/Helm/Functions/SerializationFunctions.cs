using Tide.Engine.Helm.Template;
using Tide.Engine.Helm.Yaml;
using P = Tide.Engine.Helm.Template.GoParam;

namespace Tide.Engine.Helm.Functions;

/// <summary>Helm's YAML/JSON/TOML functions (Sprig's toJson family replaced by Helm's), plus required and lookup.</summary>
public static class SerializationFunctions
{
    public static IEnumerable<GoFunction> All() =>
    [
        GoFunction.Fixed("toYaml", a => Try(() => GoYaml.ToYaml(a[0]), ""), P.Any),
        GoFunction.Fixed("mustToYaml", a => GoYaml.ToYaml(a[0]), P.Any),
        GoFunction.Fixed("toYamlPretty", a => Try(() => GoYaml.ToYaml(a[0], indentSequences: true), ""), P.Any),
        GoFunction.Fixed("fromYaml", a => FromYaml((string)a[0]!), P.String),
        GoFunction.Fixed("fromYamlArray", a => FromYamlArray((string)a[0]!), P.String),
        GoFunction.Fixed("toJson", a => Try(() => GoJson.Marshal(a[0]), ""), P.Any),
        GoFunction.Fixed("mustToJson", a => GoJson.Marshal(a[0]), P.Any),
        GoFunction.Fixed("toPrettyJson", a => Try(() => GoJson.Marshal(a[0], indent: true), ""), P.Any),
        GoFunction.Fixed("mustToPrettyJson", a => GoJson.Marshal(a[0], indent: true), P.Any),
        GoFunction.Fixed("toRawJson", a => Try(() => GoJson.Marshal(a[0], escapeHtml: false), ""), P.Any),
        GoFunction.Fixed("mustToRawJson", a => GoJson.Marshal(a[0], escapeHtml: false), P.Any),
        GoFunction.Fixed("fromJson", a => FromJson((string)a[0]!), P.String),
        GoFunction.Fixed("mustFromJson", a => MustFromJson((string)a[0]!), P.String),
        GoFunction.Fixed("fromJsonArray", a => FromJsonArray((string)a[0]!), P.String),
        GoFunction.Fixed("toToml", a => ToToml(a[0]), P.Any),
        GoFunction.Fixed("fromToml", a => FromToml((string)a[0]!), P.String),
        GoFunction.Fixed("required", a => Required((string)a[0]!, a[1]), P.String, P.Any),
        GoFunction.Fixed("lookup", _ => new Dictionary<string, object?>(), P.String, P.String, P.String, P.String),
    ];

    private static string Try(Func<string> f, string fallback)
    {
        try { return f(); }
        catch (FunctionException) { return fallback; }
    }

    private static object? Required(string warn, object? val)
    {
        if (val is null || val is "")
            throw new FunctionException(warn, isFail: true);
        return val;
    }

    private static Dictionary<string, object?> FromYaml(string s)
    {
        try
        {
            return GoYaml.Parse(s) switch
            {
                null => [],
                Dictionary<string, object?> m => m,
                var other => ErrorMap($"error unmarshaling JSON: while decoding JSON: json: cannot unmarshal {JsonKind(other)} into Go value of type map[string]interface {{}}"),
            };
        }
        catch (FormatException e)
        {
            return ErrorMap("error converting YAML to JSON: " + e.Message);
        }
    }

    private static List<object?> FromYamlArray(string s)
    {
        try
        {
            return GoYaml.Parse(s) switch
            {
                null => [],
                List<object?> l => l,
                var other => [$"error unmarshaling JSON: while decoding JSON: json: cannot unmarshal {JsonKind(other)} into Go value of type []interface {{}}"],
            };
        }
        catch (FormatException e)
        {
            return ["error converting YAML to JSON: " + e.Message];
        }
    }

    private static string JsonKind(object? v) => v switch
    {
        string => "string",
        bool => "bool",
        double or long or int => "number",
        List<object?> => "array",
        _ => "object",
    };

    private static Dictionary<string, object?> ErrorMap(string message) => new() { ["Error"] = message };

    /// <summary>Sprig's mustFromJson: json.Unmarshal into interface{}, failing with the decoder's error.</summary>
    private static object? MustFromJson(string s)
    {
        try
        {
            return GoJson.Parse(s);
        }
        catch (FormatException e)
        {
            throw new FunctionException(e.Message);
        }
    }

    private static Dictionary<string, object?> FromJson(string s)
    {
        try
        {
            return GoJson.Parse(s) switch
            {
                Dictionary<string, object?> m => m,
                null => [],
                var other => ErrorMap($"json: cannot unmarshal {JsonKind(other)} into Go value of type map[string]interface {{}}"),
            };
        }
        catch (FormatException e)
        {
            return ErrorMap(e.Message);
        }
    }

    private static List<object?> FromJsonArray(string s)
    {
        try
        {
            return GoJson.Parse(s) switch
            {
                List<object?> l => l,
                null => [],
                var other => [$"json: cannot unmarshal {JsonKind(other)} into Go value of type []interface {{}}"],
            };
        }
        catch (FormatException e)
        {
            return [e.Message];
        }
    }

    private static string ToToml(object? v) => v is Dictionary<string, object?> m
        ? GoToml.Encode(m)
        : "toml: top-level values must be Go maps or structs";

    private static Dictionary<string, object?> FromToml(string s)
    {
        try { return GoToml.Decode(s); }
        catch (FormatException e) { return ErrorMap(e.Message); }
    }
}
