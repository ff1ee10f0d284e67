namespace Tide.Engine.Api;

/// <summary>Flux's access control list: the namespaces (by labels) whose objects may refer to this one.</summary>
public sealed record AccessFrom
{
    public required IReadOnlyList<NamespaceSelector> NamespaceSelectors { get; init; }
}
