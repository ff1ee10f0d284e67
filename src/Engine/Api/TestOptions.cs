namespace Tide.Engine.Api;

/// <summary>Whether the chart's test hooks run after install and upgrade.</summary>
public sealed record TestOptions
{
    public bool? Enable { get; init; }

    [SchemaPattern("^([0-9]+(\\.[0-9]+)?(ms|s|m|h))+$")]
    public GoDuration? Timeout { get; init; }

    public bool? IgnoreFailures { get; init; }

    public IReadOnlyList<TestFilter>? Filters { get; init; }
}
