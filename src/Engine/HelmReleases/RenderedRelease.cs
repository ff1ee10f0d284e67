using System.Text.Json.Nodes;

namespace Tide.Engine.HelmReleases;

/// <summary>What rendering a chart for a release produced: the manifest as Helm stores it, its objects in Helm's
/// install order, the hooks, the NOTES, the chart as Helm stores it, and the CustomResourceDefinitions of its crds/
/// directories (applied by the spec's CRD policy, outside the release).</summary>
public sealed record RenderedRelease(
    string Manifest,
    IReadOnlyList<JsonObject> Objects,
    IReadOnlyList<ReleaseHook> Hooks,
    string Notes,
    JsonObject Chart,
    IReadOnlyList<JsonObject> Crds);
