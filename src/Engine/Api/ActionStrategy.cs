namespace Tide.Engine.Api;

/// <summary>spec.install.strategy / spec.upgrade.strategy: remediate a failure, or retry it at an interval.</summary>
public sealed record ActionStrategy
{
    public const string RemediateOnFailure = "RemediateOnFailure";
    public const string RetryOnFailure = "RetryOnFailure";

    [SchemaEnum(RemediateOnFailure, RetryOnFailure)]
    public required string Name { get; init; }

    [SchemaPattern("^([0-9]+(\\.[0-9]+)?(ms|s|m|h))+$")]
    public GoDuration? RetryInterval { get; init; }
}
