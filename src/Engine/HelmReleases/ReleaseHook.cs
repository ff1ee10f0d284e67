using System.Text.Json.Serialization;

namespace Tide.Engine.HelmReleases;

/// <summary>A chart hook as Helm stores it with the release.</summary>
public sealed record ReleaseHook
{
    public required string Name { get; init; }

    public required string Kind { get; init; }

    public required string Path { get; init; }

    public required string Manifest { get; init; }

    public required IReadOnlyList<string> Events { get; init; }

    [JsonPropertyName("last_run")]
    public HookExecution LastRun { get; init; } = new();

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public int Weight { get; init; }

    [JsonPropertyName("delete_policies")]
    public IReadOnlyList<string>? DeletePolicies { get; init; }
}
