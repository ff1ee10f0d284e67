using Tide.Engine.Api.Crds;

namespace Tide.Engine.Tests.Deploy;

public sealed class ChartCrdsTests
{
    [Fact]
    public void HelmChartCrds_AreTheOnesGeneratedFromTheApiTypes()
    {
        // The chart ships what `tide crds` prints; regenerate with
        // `dotnet src/Host/bin/Debug/net10.0/tide.dll crds > deploy/helm/tide/crds/tide-crds.yaml`.
        var shipped = File.ReadAllText(Path.Combine(TestPaths.RepositoryRoot, "deploy", "helm", "tide", "crds", "tide-crds.yaml"));
        Assert.Equal(Crds.ToYaml(), shipped);
    }
}
