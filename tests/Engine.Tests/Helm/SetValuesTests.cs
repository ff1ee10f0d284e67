using System.Text;
using Tide.Engine.Helm.Charts;
using Tide.Engine.Helm.Rendering;

namespace Tide.Engine.Tests.Helm;

/// <summary>--set values and YAML 1.1 keys as helm v4.1.4 treats them (expected output recorded from helm with the
/// same chart and flags).</summary>
public sealed class SetValuesTests
{
    [Fact]
    public void Render_SetValuesAndYaml11Keys_MatchHelm()
    {
        var chart = ChartLoader.LoadFiles(
        [
            new ChartFile("Chart.yaml", Encoding.UTF8.GetBytes("apiVersion: v2\nname: s\nversion: 0.1.0\n")),
            new ChartFile("values.yaml", Encoding.UTF8.GetBytes("keep: 1\nnested:\n  x: 1\n  y: 2\ndrop: here\n")),
            new ChartFile("templates/t.yaml", Encoding.UTF8.GetBytes(
                "v: {{ toJson .Values | quote }}\n" +
                "t: {{ printf \"%T %T %T %T %T\" .Values.a.b .Values.c .Values.e .Values.f .Values.keep | quote }}\n")),
        ]);
        var output = HelmTemplate.Render(chart, new HelmTemplateOptions("r", "s")
        {
            SetValues = ["a.b=1,c=true,e=0755,f=1.5", @"list[1]=x,nested.x=null,drop=null,esc=a\,b,g=-3"],
        });

        // `y` is a YAML 1.1 boolean, so the key becomes "true"; null deletes; ints are int64, "0755" and "1.5" strings.
        Assert.Equal(
            "---\n# Source: s/templates/t.yaml\n" +
            "v: \"{\\\"a\\\":{\\\"b\\\":1},\\\"c\\\":true,\\\"e\\\":\\\"0755\\\",\\\"esc\\\":\\\"a,b\\\",\\\"f\\\":\\\"1.5\\\",\\\"g\\\":-3,\\\"keep\\\":1,\\\"list\\\":[null,\\\"x\\\"],\\\"nested\\\":{\\\"true\\\":2}}\"\n" +
            "t: \"int64 bool string string float64\"\n",
            output);
    }
}
