namespace Tide.Engine.Api;

/// <summary>A metrics provider: Tide serves type prometheus (credentials from the Secret's token, or username and
/// password).</summary>
public sealed record MetricTemplateProvider
{
    public string? Type { get; init; }

    public string? Address { get; init; }

    public IReadOnlyDictionary<string, IReadOnlyList<string>>? Headers { get; init; }

    public LocalObjectReference? SecretRef { get; init; }

    public string? Region { get; init; }

    public bool? InsecureSkipVerify { get; init; }
}
