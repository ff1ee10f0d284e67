using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Tide.Engine.HelmReleases;

/// <summary>A Helm release as Helm stores it (helm v4's release v1 JSON): what `helm list`, `helm history`,
/// `helm get` and `helm rollback` read.</summary>
public sealed record Release
{
    public required string Name { get; init; }

    public required ReleaseInfo Info { get; init; }

    /// <summary>The chart: metadata, templates, values, files (subcharts are not stored, as in Helm).</summary>
    public required JsonObject Chart { get; init; }

    /// <summary>The user-supplied values (what `helm get values` prints).</summary>
    public JsonObject? Config { get; init; }

    /// <summary>The rendered manifests, "---\n# Source: path\ncontent\n" each, hooks excluded.</summary>
    public string Manifest { get; init; } = "";

    public IReadOnlyList<ReleaseHook>? Hooks { get; init; }

    public required int Version { get; init; }

    public required string Namespace { get; init; }

    /// <summary>How the resources were applied: "ssa" (server-side apply, Helm v4's default).</summary>
    [JsonPropertyName("apply_method")]
    public string? ApplyMethod { get; init; }

    public string ChartName => (string?)Chart["metadata"]?["name"] ?? "";

    public string ChartVersion => (string?)Chart["metadata"]?["version"] ?? "";

    public string? AppVersion => (string?)Chart["metadata"]?["appVersion"];
}
