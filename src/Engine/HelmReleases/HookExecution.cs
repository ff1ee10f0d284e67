using System.Text.Json.Serialization;

namespace Tide.Engine.HelmReleases;

/// <summary>The last run of a hook: when, and how it ended (Succeeded, Failed, Running, or empty: never ran).</summary>
public sealed record HookExecution
{
    [JsonPropertyName("started_at")]
    public string? StartedAt { get; init; }

    [JsonPropertyName("completed_at")]
    public string? CompletedAt { get; init; }

    public string Phase { get; init; } = "";
}
