namespace Tide.Engine.Api;

/// <summary>Selects namespaces by their labels.</summary>
public sealed record NamespaceSelector
{
    public IReadOnlyDictionary<string, string>? MatchLabels { get; init; }
}
