namespace Tide.Engine.Tests.Helm;

/// <summary>values.schema.json as helm v4.1.4 validates it: each schema below is rendered with helm (at test time)
/// and with Tide, with values that pass and values that fail, and both outcomes must be the same.</summary>
public sealed class ValuesSchemaTests
{
    private const string ChartYaml = "apiVersion: v2\nname: sch\nversion: 0.1.0\n";
    private const string Template = "kind: ConfigMap\ndata:\n  v: {{ toJson .Values | quote }}\n";

    private static Dictionary<string, string> Chart(string schema, string values = "replicas: 1\nname: web\n") => new()
    {
        ["Chart.yaml"] = ChartYaml,
        ["values.yaml"] = values,
        ["values.schema.json"] = schema,
        ["templates/cm.yaml"] = Template,
    };

    // Bitnami's schemas carry keywords of their own ("form", "modificationCondition") that helm ignores.
    private const string UnknownKeywords = """
{ "type": "object", "form": true,
  "properties": { "replicas": { "type": "integer", "form": true, "title": "Replicas", "minimum": 1 },
                  "name": { "type": "string", "modificationCondition": "x", "maxLength": 5 } } }
""";

    private const string Draft07Https = """
{ "$schema": "https://json-schema.org/draft-07/schema#", "type": "object", "required": ["name"],
  "properties": { "name": { "type": "string", "pattern": "^[a-z]+$" }, "mode": { "enum": ["a", "b", 3] } } }
""";

    private const string Draft04 = """
{ "$schema": "http://json-schema.org/draft-04/schema#", "id": "urn:x",
  "properties": { "replicas": { "type": "number", "minimum": 1, "exclusiveMinimum": true } } }
""";

    private const string LocalRefs = """
{ "definitions": { "port": { "type": "integer", "maximum": 65535 } },
  "$defs": { "name": { "type": "string", "minLength": 2 } },
  "type": "object", "additionalProperties": false,
  "properties": { "replicas": { "$ref": "#/definitions/port" }, "name": { "$ref": "#/$defs/name" }, "tags": { "type": "array", "uniqueItems": true, "maxItems": 2 } } }
""";

    private const string Combinators = """
{ "properties": {
    "mode": { "anyOf": [ { "type": "string" }, { "type": "boolean" } ] },
    "one": { "oneOf": [ { "type": "number" }, { "type": "integer" } ] },
    "a": { "required": ["z"], "properties": { "b": { "type": "string" } } },
    "n": { "not": { "type": "string" } },
    "all": { "allOf": [ { "type": "integer" }, { "minimum": 5 } ] } } }
""";

    public static TheoryData<string, string[]> Cases() => new()
    {
        { Combinators, ["mode=5"] },
        { Combinators, ["one=3"] },
        { Combinators, ["one=x"] },
        { Combinators, ["a.b=1"] },
        { Combinators, ["n=x"] },
        { Combinators, ["all=3"] },
        { UnknownKeywords, [] },
        { UnknownKeywords, ["replicas=0"] },
        { UnknownKeywords, ["name=toolongname"] },
        { UnknownKeywords, ["replicas=abc"] },
        { Draft07Https, [] },
        { Draft07Https, ["name=Web1"] },
        { Draft07Https, ["mode=c"] },
        { Draft07Https, ["mode=3"] },
        { Draft04, [] },
        { Draft04, ["replicas=1"] },
        { LocalRefs, [] },
        { LocalRefs, ["replicas=70000"] },
        { LocalRefs, ["name=a"] },
        { LocalRefs, ["extra=1"] },
        { LocalRefs, ["tags={a,a}"] },
        { LocalRefs, ["tags={a,b,c}"] },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public Task Render_ValuesAgainstSchema_SameOutcomeAsHelm(string schema, string[] set) =>
        HelmOracle.AssertSameAsync(Chart(schema), set);

    [Fact]
    public Task Render_SubchartWithoutValues_IsNotValidatedAsHelmV4()
    {
        var files = Chart("""{ "type": "object" }""");
        files["Chart.yaml"] = ChartYaml + "dependencies:\n- name: sub\n  version: 0.1.0\n";
        files["charts/sub/Chart.yaml"] = "apiVersion: v2\nname: sub\nversion: 0.1.0\n";
        files["charts/sub/values.schema.json"] = """{ "required": ["needed"] }""";
        return HelmOracle.AssertSameAsync(files, ["sub.other=1"]);
    }

    [Fact]
    public async Task Render_SchemaThatIsNotJson_FailsWithAnErrorNotAnException()
    {
        var (helm, tide) = await HelmOracle.RenderBothAsync(Chart("{ not json"));
        Assert.False(helm.Succeeded);
        Assert.False(tide.Succeeded);
        Assert.StartsWith("Error: ", tide.Text, StringComparison.Ordinal);
        Assert.Single(tide.Text.Trim().Split('\n'));
    }
}
