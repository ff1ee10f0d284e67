using Tide.Engine.Health;
using static Tide.Engine.Tests.Health.LiveObjects;

namespace Tide.Engine.Tests.Health;

public sealed class FluxRulesTests
{
    private static string Flux(string apiVersion, string kind, long generation, long? observed, string conditions) =>
        $$$"""
        {"apiVersion":"{{{apiVersion}}}","kind":"{{{kind}}}",
         "metadata":{"name":"x","namespace":"flux-system","generation":{{{generation}}}},
         "status":{{{{(observed is null ? "" : $"\"observedGeneration\":{observed},")}}}"conditions":[{{{conditions}}}]}}
        """;

    private const string Ready = """
        {"type":"Ready","status":"True","reason":"Succeeded","message":"stored artifact for revision 'main@sha1:2f0e3c'"}
        """;

    [Theory]
    [InlineData("source.toolkit.fluxcd.io/v1", "GitRepository")]
    [InlineData("source.toolkit.fluxcd.io/v1", "OCIRepository")]
    [InlineData("source.toolkit.fluxcd.io/v1", "Bucket")]
    [InlineData("kustomize.toolkit.fluxcd.io/v1", "Kustomization")]
    [InlineData("helm.toolkit.fluxcd.io/v2", "HelmRelease")]
    public void ReadyTrue_AtLatestGeneration_IsCurrent(string apiVersion, string kind)
    {
        var result = Compute(Flux(apiVersion, kind, 2, 2, Ready));

        Assert.Equal(HealthResult.Current("stored artifact for revision 'main@sha1:2f0e3c'"), result);
    }

    [Fact]
    public void ReadyTrue_ForAnOlderGeneration_IsInProgress()
    {
        var result = Compute(Flux("kustomize.toolkit.fluxcd.io/v1", "Kustomization", 3, 2, Ready));

        Assert.Equal(HealthResult.InProgress("Kustomization generation is 3, but latest observed generation is 2"), result);
    }

    [Fact]
    public void NoStatusYet_IsInProgress_NotCurrent()
    {
        // kstatus alone would call a Flux object with no status Current; Flux's own kinds must say Ready first.
        var result = Compute("""
            {"apiVersion":"kustomize.toolkit.fluxcd.io/v1","kind":"Kustomization",
             "metadata":{"name":"apps","namespace":"flux-system","generation":1},"spec":{"interval":"10m"}}
            """);

        Assert.Equal(HealthResult.InProgress("Kustomization status.observedGeneration not found"), result);
    }

    [Fact]
    public void ObservedButNoReadyCondition_IsInProgress()
    {
        var result = Compute(Flux("source.toolkit.fluxcd.io/v1", "GitRepository", 1, 1, ""));

        Assert.Equal(HealthResult.InProgress("GitRepository has no Ready condition yet"), result);
    }

    [Fact]
    public void ReconcilingTrue_IsInProgress_EvenWithAStaleReadyFalse()
    {
        var result = Compute(Flux("kustomize.toolkit.fluxcd.io/v1", "Kustomization", 1, 1, """
            {"type":"Reconciling","status":"True","reason":"ProgressingWithRetry","message":"Detecting drift for revision main@sha1:2f0e3c"},
            {"type":"Ready","status":"False","reason":"BuildFailed","message":"kustomization path not found"}
            """));

        Assert.Equal(HealthResult.InProgress("Detecting drift for revision main@sha1:2f0e3c"), result);
    }

    [Fact]
    public void StalledTrue_IsFailed()
    {
        var result = Compute(Flux("helm.toolkit.fluxcd.io/v2", "HelmRelease", 1, 1, """
            {"type":"Stalled","status":"True","reason":"RetriesExceeded","message":"Failed to install after 1 attempt(s)"},
            {"type":"Ready","status":"False","reason":"InstallFailed","message":"Helm install failed for release apps/web"}
            """));

        Assert.Equal(HealthResult.Failed("Failed to install after 1 attempt(s)"), result);
    }

    [Fact]
    public void ReadyFalse_WithAFailureReason_IsFailed_WithReadysMessage()
    {
        var result = Compute(Flux("kustomize.toolkit.fluxcd.io/v1", "Kustomization", 1, 1, """
            {"type":"Ready","status":"False","reason":"HealthCheckFailed","message":"health check failed after 30s: timeout waiting for: [Deployment/apps/web status: 'InProgress']"}
            """));

        Assert.Equal(HealthStatus.Failed, result.Status);
        Assert.StartsWith("health check failed after 30s", result.Message);
    }

    [Theory]
    [InlineData("Unknown", "Progressing", "reconciliation in progress")]
    [InlineData("False", "DependencyNotReady", "dependency 'flux-system/infra' is not ready")]
    [InlineData("False", "ProgressingWithRetry", "retrying")]
    public void ReadyUnknown_OrFalseWhileProgressing_IsInProgress(string status, string reason, string message)
    {
        var result = Compute(Flux("kustomize.toolkit.fluxcd.io/v1", "Kustomization", 1, 1,
            $$$"""{"type":"Ready","status":"{{{status}}}","reason":"{{{reason}}}","message":"{{{message}}}"}"""));

        Assert.Equal(HealthResult.InProgress(message), result);
    }
}
