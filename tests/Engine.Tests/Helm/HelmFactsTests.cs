using System.Text;
using System.Text.Json;
using Tide.Engine.Helm.Charts;
using Tide.Engine.Helm.Rendering;

namespace Tide.Engine.Tests.Helm;

/// <summary>
/// Go text/template, Sprig and Helm function semantics, each snippet checked against what helm v4.1.4 printed for
/// the very same chart (see <see cref="HelmFacts"/>): the snippet runs inside a define, is included, and its result
/// is written as JSON, so whitespace, "&lt;no value&gt;" and errors are compared exactly.
/// </summary>
public sealed class HelmFactsTests
{
    private const string ValuesYaml = """
name: probe
replicas: 3
ratio: 0.75
big: 12345678901
empty: ""
nothing: null
zero: 0
off: false
list: [b, a, b]
nums: [1, 2, 3]
map:
  zeta: z
  alpha: a
nested:
  inner:
    value: deep
long: "the quick brown fox jumps over the lazy dog again and again until the line is much longer than eighty columns"
""";

    public static TheoryData<string> Snippets(string group)
    {
        var data = new TheoryData<string>();
        foreach (var f in HelmFacts.All.Where(f => f.Group == group))
            data.Add(f.Snippet);
        return data;
    }

    private static void Check(string snippet)
    {
        var fact = HelmFacts.All.Single(f => f.Snippet == snippet);
        var template = "{{- define \"snippet2\" }}<{{ . }}>{{ end -}}{{- define \"snippet\" }}" + snippet +
                       "{{ end -}}\nv: {{ include \"snippet\" . | toJson }}\n";
        var chart = ChartLoader.LoadFiles(
        [
            new ChartFile("Chart.yaml", Encoding.UTF8.GetBytes("apiVersion: v2\nname: facts\nversion: 0.1.0\n")),
            new ChartFile("values.yaml", Encoding.UTF8.GetBytes(ValuesYaml)),
            new ChartFile("templates/t.yaml", Encoding.UTF8.GetBytes(template)),
        ]);
        string output;
        try
        {
            output = HelmTemplate.Render(chart, new HelmTemplateOptions("rel", "facts") { Namespace = "ns" });
        }
        catch (RenderException e)
        {
            Assert.False(fact.Succeeds, "helm renders this snippet; Tide failed with: " + e.Message);
            Assert.Equal(fact.Expected, RenderException.Stderr(e));
            return;
        }
        Assert.True(fact.Succeeds, "helm fails on this snippet; Tide rendered: " + output);
        var line = output.Split('\n').Single(l => l.StartsWith("v: ", StringComparison.Ordinal));
        Assert.Equal(fact.Expected, JsonSerializer.Deserialize<string>(line[3..]));
    }

    [Theory]
    [MemberData(nameof(Snippets), "Language")]
    public void TemplateLanguage_Snippet_BehavesAsHelm(string snippet) => Check(snippet);

    [Theory]
    [MemberData(nameof(Snippets), "Comparison")]
    public void GoComparison_Snippet_BehavesAsHelm(string snippet) => Check(snippet);

    [Theory]
    [MemberData(nameof(Snippets), "Builtins")]
    public void GoBuiltin_Snippet_BehavesAsHelm(string snippet) => Check(snippet);

    [Theory]
    [MemberData(nameof(Snippets), "Strings")]
    public void SprigString_Snippet_BehavesAsHelm(string snippet) => Check(snippet);

    [Theory]
    [MemberData(nameof(Snippets), "Collections")]
    public void SprigCollection_Snippet_BehavesAsHelm(string snippet) => Check(snippet);

    [Theory]
    [MemberData(nameof(Snippets), "Math")]
    public void SprigMath_Snippet_BehavesAsHelm(string snippet) => Check(snippet);

    [Theory]
    [MemberData(nameof(Snippets), "Types")]
    public void SprigTypeAndDefault_Snippet_BehavesAsHelm(string snippet) => Check(snippet);

    [Theory]
    [MemberData(nameof(Snippets), "Encoding")]
    public void SprigEncoding_Snippet_BehavesAsHelm(string snippet) => Check(snippet);

    [Theory]
    [MemberData(nameof(Snippets), "Regex")]
    public void SprigRegex_Snippet_BehavesAsHelm(string snippet) => Check(snippet);

    [Theory]
    [MemberData(nameof(Snippets), "Semver")]
    public void SprigSemver_Snippet_BehavesAsHelm(string snippet) => Check(snippet);

    [Theory]
    [MemberData(nameof(Snippets), "Serialization")]
    public void HelmSerialization_Snippet_BehavesAsHelm(string snippet) => Check(snippet);

    [Theory]
    [MemberData(nameof(Snippets), "Helm")]
    public void HelmBuiltin_Snippet_BehavesAsHelm(string snippet) => Check(snippet);
}
