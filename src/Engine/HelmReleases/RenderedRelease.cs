using System.Text.Json.Nodes;

namespace Tide.Engine.HelmReleases;

/// <summary>What rendering a chart for a release produced: the manifest as Helm stores it, its objects in Helm's
/// install order, the hooks, the NOTES, and the chart as Helm stores it.</summary>
public sealed record RenderedRelease(
    string Manifest,
    IReadOnlyList<JsonObject> Objects,
    IReadOnlyList<ReleaseHook> Hooks,
    string Notes,
    JsonObject Chart);
