namespace Tide.Engine.Api;

/// <summary>How a failed upgrade is rolled back.</summary>
public sealed record RollbackOptions
{
    [SchemaPattern("^([0-9]+(\\.[0-9]+)?(ms|s|m|h))+$")]
    public GoDuration? Timeout { get; init; }

    public bool? DisableWait { get; init; }

    public bool? DisableWaitForJobs { get; init; }

    public bool? DisableHooks { get; init; }

    public bool? Recreate { get; init; }

    public bool? Force { get; init; }

    public bool? CleanupOnFail { get; init; }

    [SchemaEnum("enabled", "disabled", "auto")]
    public string? ServerSideApply { get; init; }
}
