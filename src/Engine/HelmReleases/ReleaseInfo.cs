using System.Text.Json.Serialization;

namespace Tide.Engine.HelmReleases;

/// <summary>A release's state and times, as Helm records them (times as Go writes them: RFC 3339 with nanoseconds).</summary>
public sealed record ReleaseInfo
{
    [JsonPropertyName("first_deployed")]
    public string? FirstDeployed { get; init; }

    [JsonPropertyName("last_deployed")]
    public string? LastDeployed { get; init; }

    public string? Deleted { get; init; }

    public string Description { get; init; } = "";

    /// <summary>One of <see cref="ReleaseStatus"/>.</summary>
    public required string Status { get; init; }

    public string? Notes { get; init; }
}
