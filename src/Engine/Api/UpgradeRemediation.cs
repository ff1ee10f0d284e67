namespace Tide.Engine.Api;

/// <summary>What happens when an upgrade fails: how often to retry, and by rollback or uninstall.</summary>
public sealed record UpgradeRemediation
{
    /// <summary>Retries after a failure; 0 when not set, negative for no limit.</summary>
    public int? Retries { get; init; }

    public bool? IgnoreTestFailures { get; init; }

    /// <summary>Remediate the last failure too (retries exhausted); true when retries &gt; 0.</summary>
    public bool? RemediateLastFailure { get; init; }

    [SchemaEnum("rollback", "uninstall")]
    public string? Strategy { get; init; }
}
