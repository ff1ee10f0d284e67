namespace Tide.Engine.Api;

/// <summary>How the release is uninstalled (deletion of the HelmRelease, or remediation).</summary>
public sealed record UninstallOptions
{
    [SchemaPattern("^([0-9]+(\\.[0-9]+)?(ms|s|m|h))+$")]
    public GoDuration? Timeout { get; init; }

    public bool? DisableHooks { get; init; }

    /// <summary>Keep the release's storage (marked uninstalled) instead of deleting it.</summary>
    public bool? KeepHistory { get; init; }

    public bool? DisableWait { get; init; }

    [SchemaEnum("background", "foreground", "orphan")]
    [SchemaDefault("\"background\"")]
    public string? DeletionPropagation { get; init; }
}
