namespace Tide.Engine.Api;

/// <summary>How the release is installed.</summary>
public sealed record InstallOptions
{
    [SchemaPattern("^([0-9]+(\\.[0-9]+)?(ms|s|m|h))+$")]
    public GoDuration? Timeout { get; init; }

    public InstallRemediation? Remediation { get; init; }

    public ActionStrategy? Strategy { get; init; }

    public bool? DisableWait { get; init; }

    public bool? DisableWaitForJobs { get; init; }

    public bool? DisableHooks { get; init; }

    public bool? DisableOpenAPIValidation { get; init; }

    public bool? DisableSchemaValidation { get; init; }

    public bool? DisableTakeOwnership { get; init; }

    public bool? Replace { get; init; }

    public bool? SkipCRDs { get; init; }

    [SchemaEnum("Skip", "Create", "CreateReplace")]
    public string? Crds { get; init; }

    /// <summary>Create the target namespace when it does not exist.</summary>
    public bool? CreateNamespace { get; init; }

    public bool? ServerSideApply { get; init; }
}
