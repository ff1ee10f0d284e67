namespace Tide.Engine.Api;

/// <summary>How the release is upgraded.</summary>
public sealed record UpgradeOptions
{
    [SchemaPattern("^([0-9]+(\\.[0-9]+)?(ms|s|m|h))+$")]
    public GoDuration? Timeout { get; init; }

    public UpgradeRemediation? Remediation { get; init; }

    public ActionStrategy? Strategy { get; init; }

    public bool? DisableWait { get; init; }

    public bool? DisableWaitForJobs { get; init; }

    public bool? DisableHooks { get; init; }

    public bool? DisableOpenAPIValidation { get; init; }

    public bool? DisableSchemaValidation { get; init; }

    public bool? DisableTakeOwnership { get; init; }

    public bool? Force { get; init; }

    /// <summary>Reuse the values of the last release, merged under the new ones.</summary>
    public bool? PreserveValues { get; init; }

    /// <summary>Delete what the failed upgrade created.</summary>
    public bool? CleanupOnFail { get; init; }

    [SchemaEnum("Skip", "Create", "CreateReplace")]
    public string? Crds { get; init; }

    [SchemaEnum("enabled", "disabled", "auto")]
    public string? ServerSideApply { get; init; }
}
