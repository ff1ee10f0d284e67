namespace Tide.Engine.Api;

/// <summary>Values from a key of a ConfigMap or Secret, merged at the root or at a path of the values.</summary>
public sealed record ValuesReference
{
    [SchemaEnum("Secret", "ConfigMap")]
    public required string Kind { get; init; }

    [SchemaLength(1, 253)]
    public required string Name { get; init; }

    /// <summary>The key holding the values; 'values.yaml' when not set.</summary>
    [SchemaPattern("^[\\-._a-zA-Z0-9]+$")]
    [SchemaLength(0, 253)]
    public string? ValuesKey { get; init; }

    /// <summary>Where the key's content goes (Helm --set path syntax); at the root, as YAML, when not set.</summary>
    [SchemaPattern("^([a-zA-Z0-9_\\-.\\\\\\/]|\\[[0-9]{1,5}\\])+$")]
    [SchemaLength(0, 250)]
    public string? TargetPath { get; init; }

    /// <summary>A missing object or key is skipped instead of failing.</summary>
    public bool? Optional { get; init; }
}
