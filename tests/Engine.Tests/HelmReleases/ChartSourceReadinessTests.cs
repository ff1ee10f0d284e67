using System.Text.Json.Nodes;
using Tide.Engine.HelmReleases;

namespace Tide.Engine.Tests.HelmReleases;

/// <summary>When a HelmRelease may take its chart from a source object, and what it says when it may not.</summary>
public sealed class ChartSourceReadinessTests
{
    private const string Artifact = """{"revision": "6.14.1", "digest": "sha256:00", "url": "http://x/a.tgz"}""";

    private static JsonObject Source(int generation, string status) =>
        JsonNode.Parse($$"""{"metadata": {"name": "c", "generation": {{generation}}}, "status": {{status}}}""")!.AsObject();

    [Theory]
    // Observed, with an artifact: ready, even when its latest fetch failed (the artifact it has stays usable).
    [InlineData(2, $$"""{"observedGeneration": 2, "artifact": {{Artifact}}, "conditions": [{"type": "Ready", "status": "False", "message": "fetch failed"}]}""", null)]
    [InlineData(3, $$"""{"observedGeneration": 2, "artifact": {{Artifact}}}""", "latest generation of object has not been reconciled")]
    [InlineData(3, """{"observedGeneration": 2, "conditions": [{"type": "Ready", "status": "False", "message": "no such version"}]}""", "no such version")]
    [InlineData(2, """{"observedGeneration": 2, "conditions": [{"type": "Stalled", "status": "True", "message": "bad spec"}]}""", "bad spec")]
    [InlineData(2, """{"observedGeneration": 2}""", "does not have an artifact")]
    [InlineData(1, """{"conditions": [{"type": "Ready", "status": "False", "message": "first pull failed"}]}""", "first pull failed")]
    // No observedGeneration at all (ExternalArtifact): the artifact decides.
    [InlineData(1, $$"""{"artifact": {{Artifact}}}""", null)]
    [InlineData(1, """{}""", "does not have an artifact")]
    public void NotReady_AsHelmControllerJudgesIt(int generation, string status, string? expected) =>
        Assert.Equal(expected, ChartSourceReadiness.NotReady(Source(generation, status)));
}
