namespace Tide.Engine.Tests.Helm;

/// <summary>Template patterns found in public charts (bench/helm-wider-check.py) that Tide once rendered
/// differently from helm v4.1.4; each is a small chart written for this test, rendered by both at test time.</summary>
public sealed class RealChartPatternsTests
{
    private static Dictionary<string, string> Chart(string template, string values = "") => new()
    {
        ["Chart.yaml"] = "apiVersion: v2\nname: pat\nversion: 0.1.0\n",
        ["values.yaml"] = values,
        ["templates/t.yaml"] = template,
    };

    [Fact]
    public Task Render_LiteralBlockWhoseFirstLineHoldsOnlySpaces_ParsesAsHelm() =>
        // loki-distributed and tempo-distributed: `runtime.yaml: |` + `{{ toYaml ... | nindent 4 }}` on the next line.
        HelmOracle.AssertSameAsync(Chart("""
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: rt
            data:
              runtime.yaml: |
                {{ toYaml .Values.runtime | nindent 4 }}
              parsed: {{ fromYaml "a: |\n    \n    {}\nb: |-\n      \n     \n      y\n" | toJson | quote }}
            """, "runtime: {}\n"));

    [Fact]
    public Task Render_HexadecimalFloatLiteral_EvaluatesAsHelm() =>
        // traefik: memory units in powers of two written as Go hex floats.
        HelmOracle.AssertSameAsync(Chart("""
            v: {{ mulf 2 0x1p60 }}|{{ 0x1.8p1 }}|{{ 0x10p-2 | printf "%T %v" }}|{{ 1_000 }}|{{ 0o17 }}|{{ 0b101 }}
            """));

    [Fact]
    public Task Render_LibraryChart_IsRefusedAsByHelm()
    {
        // bitnami/common: a library chart rendered on its own.
        var files = Chart("v: 1\n");
        files["Chart.yaml"] += "type: library\n";
        return HelmOracle.AssertSameAsync(files);
    }

    [Fact]
    public Task Render_RequiredInsideTplInsideInclude_FailsAsHelm() =>
        // grafana loki: a `required` reached through include, then tpl of a values string, then include again.
        HelmOracle.AssertSameAsync(new Dictionary<string, string>
        {
            ["Chart.yaml"] = "apiVersion: v2\nname: pat\nversion: 0.1.0\n",
            ["values.yaml"] = "config: |\n  bucket: {{ include \"pat.bucket\" . }}\n",
            ["templates/_helpers.tpl"] = "{{- define \"pat.bucket\" }}{{ required \"Please define bucket\" .Values.bucket }}{{ end -}}\n" +
                                          "{{- define \"pat.config\" }}{{ tpl .Values.config . }}{{ end -}}\n",
            ["templates/t.yaml"] = "data: {{ include \"pat.config\" . | quote }}\n",
        });

    public static TheoryData<string> NilValueArguments() => new()
    {
        "{{ keys .Values.nul }}",
        "{{ trunc 3 .Values.nul }}",
        "{{ trunc 3 .Values.missing }}",
        "{{ hasKey .Values.missing \"a\" }}",
        "{{ $v := .Values.nul }}{{ trunc 3 $v }}",
        "{{ $m := .Values }}{{ trunc 3 $m.nul }}",
        "{{ default \"x\" .Values.nul }}|{{ list .Values.nul | len }}|{{ toYaml .Values.missing }}",
    };

    [Theory]
    [MemberData(nameof(NilValueArguments))]
    public Task Render_NullOrMissingValueAsTypedArgument_BehavesAsHelm(string snippet) =>
        // grafana enterprise-logs: a null value passed where a function takes a string.
        HelmOracle.AssertSameAsync(Chart($"v: {snippet}\n", "nul: null\n"));
}
