namespace Tide.Engine.Api;

/// <summary>A ConfigMap or Secret whose data keys are substitution variables.</summary>
public sealed record SubstituteReference
{
    [SchemaEnum("Secret", "ConfigMap")]
    public required string Kind { get; init; }

    [SchemaLength(1, 253)]
    public required string Name { get; init; }

    /// <summary>Proceed as if the object were empty when it does not exist.</summary>
    [SchemaDefault("false")]
    public bool? Optional { get; init; }
}
