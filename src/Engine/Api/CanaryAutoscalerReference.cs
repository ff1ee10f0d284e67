using System.Text.Json.Nodes;

namespace Tide.Engine.Api;

/// <summary>The autoscaler (HorizontalPodAutoscaler) of the target.</summary>
public sealed record CanaryAutoscalerReference
{
    public string? ApiVersion { get; init; }

    public string? Kind { get; init; }

    public required string Name { get; init; }

    public IReadOnlyDictionary<string, string>? PrimaryScalerQueries { get; init; }

    public JsonObject? PrimaryScalerReplicas { get; init; }
}
