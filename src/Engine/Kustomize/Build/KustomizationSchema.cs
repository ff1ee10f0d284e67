using Tide.Engine.Kustomize.Yaml;

namespace Tide.Engine.Kustomize.Build;

/// <summary>
/// The fields of a kustomization file as kustomize v5.5.0 declares them (api/types), checked as kustomize reads the
/// file: YAML 1.1 to JSON, then Go's encoding/json with unknown fields disallowed. A misspelt field or a value of the
/// wrong type fails the build with Go's wording ("json: unknown field \"namePrefx\"").
/// </summary>
public static class KustomizationSchema
{
    private abstract record FieldType(string GoName);

    private sealed record Scalar(string GoName) : FieldType(GoName);

    private sealed record ListOf(FieldType Item) : FieldType("");

    private sealed record MapOf(FieldType Value) : FieldType("");

    /// <summary>A Go struct: its type name (for messages) and its JSON fields.</summary>
    private sealed record Struct(string GoName, IReadOnlyDictionary<string, FieldType> Fields) : FieldType(GoName);

    /// <summary>Anything (fields Tide refuses anyway, such as helmCharts).</summary>
    private sealed record AnyValue() : FieldType("interface {}");

    private static readonly Scalar String = new("string"), Bool = new("bool"), Int = new("int"), Int64 = new("int64");
    private static readonly ListOf Strings = new(String);
    private static readonly MapOf StringMap = new(String);

    private static Dictionary<string, FieldType> Fields(params (string Name, FieldType Type)[] fields) =>
        fields.ToDictionary(f => f.Name, f => f.Type);

    private static readonly (string, FieldType)[] GvkFields = [("group", String), ("version", String), ("kind", String)];
    private static readonly (string, FieldType)[] ResIdFields = [.. GvkFields, ("name", String), ("namespace", String)];

    private static readonly Struct Selector = new("Selector",
        Fields([.. ResIdFields, ("annotationSelector", String), ("labelSelector", String)]));

    private static readonly Struct GeneratorOptions = new("GeneratorOptions", Fields(
        ("labels", StringMap), ("annotations", StringMap), ("disableNameSuffixHash", Bool), ("immutable", Bool)));

    private static readonly (string, FieldType)[] GeneratorArgs =
    [
        ("namespace", String), ("name", String), ("behavior", String), ("literals", Strings), ("files", Strings),
        ("envs", Strings), ("env", String), ("options", GeneratorOptions),
    ];

    private static readonly Struct Patch = new("Patch", Fields(
        ("path", String), ("patch", String), ("target", Selector), ("options", new MapOf(Bool))));

    private static readonly Struct Image = new("Image", Fields(
        ("name", String), ("newName", String), ("tagSuffix", String), ("newTag", String), ("digest", String)));

    private static readonly Struct FieldOptions = new("FieldOptions", Fields(
        ("delimiter", String), ("index", Int), ("encoding", String), ("create", Bool)));

    private static readonly Struct ReplacementField = new("ReplacementField", Fields(
        ("path", String),
        ("source", new Struct("SourceSelector", Fields([.. ResIdFields, ("fieldPath", String), ("options", FieldOptions)]))),
        ("targets", new ListOf(new Struct("TargetSelector", Fields(
            ("select", Selector), ("reject", new ListOf(Selector)), ("fieldPaths", Strings), ("options", FieldOptions)))))));

    private static readonly Struct Kustomization = new("Kustomization", Fields(
        ("apiVersion", String), ("kind", String),
        ("metadata", new Struct("ObjectMeta", Fields(
            ("name", String), ("namespace", String), ("labels", StringMap), ("annotations", StringMap)))),
        ("openapi", StringMap), ("namePrefix", String), ("nameSuffix", String), ("namespace", String),
        ("commonLabels", StringMap),
        ("labels", new ListOf(new Struct("Label", Fields(
            ("pairs", StringMap), ("includeSelectors", Bool), ("includeTemplates", Bool),
            ("fields", new ListOf(new Struct("FieldSpec", Fields([.. GvkFields, ("path", String), ("create", Bool)])))))))),
        ("commonAnnotations", StringMap),
        ("patchesStrategicMerge", new ListOf(new AnyValue())),
        ("patchesJson6902", new ListOf(Patch)), ("patches", new ListOf(Patch)),
        ("images", new ListOf(Image)), ("imageTags", new ListOf(Image)),
        ("replacements", new ListOf(ReplacementField)),
        ("replicas", new ListOf(new Struct("Replica", Fields(("name", String), ("count", Int64))))),
        ("vars", new ListOf(new Struct("Var", Fields(
            ("name", String),
            ("objref", new Struct("Target", Fields([("apiVersion", String), .. GvkFields, ("name", String), ("namespace", String)]))),
            ("fieldref", new Struct("FieldSelector", Fields(("fieldPath", String)))))))),
        ("sortOptions", new Struct("SortOptions", Fields(
            ("order", String),
            ("legacySortOptions", new Struct("LegacySortOptions", Fields(("orderFirst", Strings), ("orderLast", Strings))))))),
        ("resources", Strings), ("components", Strings), ("crds", Strings), ("bases", Strings),
        ("configMapGenerator", new ListOf(new Struct("ConfigMapArgs", Fields(GeneratorArgs)))),
        ("secretGenerator", new ListOf(new Struct("SecretArgs", Fields([.. GeneratorArgs, ("type", String)])))),
        ("helmGlobals", new AnyValue()), ("helmCharts", new AnyValue()), ("helmChartInflationGenerator", new AnyValue()),
        ("generatorOptions", GeneratorOptions),
        ("configurations", Strings), ("generators", Strings), ("transformers", Strings), ("validators", Strings),
        ("buildMetadata", Strings)));

    /// <summary>Throws kustomize's "invalid Kustomization: json: ..." error for the first field Go would reject
    /// (fields in Go's map order: sorted).</summary>
    public static void Check(YMapping kustomization) => CheckStruct(kustomization, Kustomization, "");

    private static void CheckStruct(YMapping map, Struct type, string path)
    {
        foreach (var (key, value) in map.Entries.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            // encoding/json matches a field name exactly, else ignoring case.
            var field = type.Fields.Keys.FirstOrDefault(f => f == key) ??
                        type.Fields.Keys.FirstOrDefault(f => f.Equals(key, StringComparison.OrdinalIgnoreCase));
            if (field is null)
                throw Invalid($"unknown field \"{key}\"");
            Check(value, type.Fields[field], type.GoName, path.Length == 0 ? field : path + "." + field);
        }
    }

    private static void Check(YNode value, FieldType type, string structName, string path)
    {
        var json = JsonType(value);
        if (json == "null" || type is AnyValue)
            return;
        switch (type, value)
        {
            case (Struct s, YMapping m):
                CheckStruct(m, s, path);
                return;
            case (ListOf list, YSequence seq):
                foreach (var item in seq.Items)
                    Check(item, list.Item, structName, path);
                return;
            case (MapOf map, YMapping m):
                foreach (var (_, v) in m.Entries)
                    Check(v, map.Value, structName, path);
                return;
            case (Scalar s, YScalar):
                var expected = s == String ? "string" : s == Bool ? "bool" : "number";
                if (json == expected)
                    return;
                break;
        }
        throw Invalid($"cannot unmarshal {json} into Go struct field {structName}.{path} of type {GoType(type)}");
    }

    private static string GoType(FieldType type) => type switch
    {
        Struct s => "types." + s.GoName,
        ListOf l => "[]" + GoType(l.Item),
        MapOf m => "map[string]" + GoType(m.Value),
        _ => type.GoName,
    };

    /// <summary>What a node becomes in JSON when YAML 1.1 (go-yaml v2) reads it.</summary>
    private static string JsonType(YNode node) => node switch
    {
        YMapping => "object",
        YSequence => "array",
        YScalar s when s.IsNull => "null",
        YScalar { Style: ScalarStyle.Plain, Tag: null } s => Yaml11Type(s.Value),
        YScalar { Tag: "!!bool" } => "bool",
        YScalar { Tag: "!!int" or "!!float" } => "number",
        _ => "string",
    };

    private static string Yaml11Type(string value)
    {
        if (value is "y" or "Y" or "yes" or "Yes" or "YES" or "n" or "N" or "no" or "No" or "NO" or "true" or "True"
            or "TRUE" or "false" or "False" or "FALSE" or "on" or "On" or "ON" or "off" or "Off" or "OFF")
            return "bool";
        return ScalarResolver.NeedsQuotesForV2(value) && char.IsAsciiDigit(value[^1]) && !value.Contains('-', StringComparison.Ordinal)
            ? "number"
            : "string";
    }

    private static KustomizeException Invalid(string message) => new("invalid Kustomization: json: " + message);
}
