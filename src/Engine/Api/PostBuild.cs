namespace Tide.Engine.Api;

/// <summary>Variable substitution on the built manifests.</summary>
public sealed record PostBuild
{
    [SchemaEnum("WithVariables", "Always")]
    public string? SubstituteStrategy { get; init; }

    public IReadOnlyDictionary<string, string>? Substitute { get; init; }

    public IReadOnlyList<SubstituteReference>? SubstituteFrom { get; init; }
}
