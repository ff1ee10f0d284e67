using Tide.Engine.Canaries;

namespace Tide.Engine.Tests.Canaries;

public sealed class MetricModelTests
{
    private static readonly MetricModel Model = new("podinfo", "test", "podinfo", "podinfo-svc", "podinfo", "podinfo", "1m",
        new Dictionary<string, string> { ["direction"] = "inbound" });

    [Fact]
    public void Render_ReplacesFlaggersVariables_AndTemplateVariables()
    {
        var query = Model.Render(
            "rate(x{ns=\"{{ namespace }}\",pod=~\"{{target}}-.*\",svc=\"{{ service }}\",dir=\"{{ variables.direction }}\"}[{{ interval }}])");

        Assert.Equal("rate(x{ns=\"test\",pod=~\"podinfo-.*\",svc=\"podinfo-svc\",dir=\"inbound\"}[1m])", query);
    }

    [Theory]
    [InlineData("{{ variables.missing }}", "map has no entry for key \"missing\"")]
    [InlineData("{{ pod }}", "function \"pod\" not defined")]
    public void Render_UnknownName_FailsWithGoTemplatesWords(string query, string expected)
    {
        var error = Assert.Throws<MetricQueryException>(() => Model.Render(query));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }
}
