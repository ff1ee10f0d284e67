namespace Tide.EndToEnd.Tests;

/// <summary>Tests that read process-wide figures (Tide's metrics are one Meter per process, while the EndToEnd tests
/// run many nodes in one process): they run alone, after the parallel tests, so no other test's entities count.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessMetricsCollection
{
    public const string Name = "process metrics";
}
