namespace Tide.Engine.Api;

/// <summary>The HelmChart a HelmRelease asks for: its metadata and spec.</summary>
public sealed record HelmChartTemplate
{
    /// <summary>Labels and annotations of the HelmChart.</summary>
    public CommonMetadata? Metadata { get; init; }

    public required HelmChartTemplateSpec Spec { get; init; }
}
