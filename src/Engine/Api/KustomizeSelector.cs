namespace Tide.Engine.Api;

/// <summary>Selects objects by group, version, kind, namespace, name and label/annotation selectors.</summary>
public sealed record KustomizeSelector
{
    public string? Group { get; init; }

    public string? Version { get; init; }

    public string? Kind { get; init; }

    public string? Namespace { get; init; }

    public string? Name { get; init; }

    public string? AnnotationSelector { get; init; }

    public string? LabelSelector { get; init; }
}
