namespace Tide.Engine.Api;

/// <summary>Whether (and how) the release's objects are compared with the cluster and corrected.</summary>
public sealed record DriftDetection
{
    public const string Enabled = "enabled";
    public const string Warn = "warn";
    public const string Disabled = "disabled";

    [SchemaEnum(Enabled, Warn, Disabled)]
    public string? Mode { get; init; }

    /// <summary>JSON pointers left out of the comparison.</summary>
    public IReadOnlyList<IgnoreRule>? Ignore { get; init; }
}
