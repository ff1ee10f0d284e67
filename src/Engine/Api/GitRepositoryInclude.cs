using System.Text.Json.Serialization;

namespace Tide.Engine.Api;

/// <summary>Another GitRepository whose artifact (or a path of it) is copied into this one.</summary>
public sealed record GitRepositoryInclude
{
    [JsonPropertyName("repository")]
    public required LocalObjectReference GitRepositoryRef { get; init; }

    public string? FromPath { get; init; }

    public string? ToPath { get; init; }
}
