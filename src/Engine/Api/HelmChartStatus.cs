namespace Tide.Engine.Api;

/// <summary>What the HelmChart reconciler observed and produced.</summary>
public sealed record HelmChartStatus
{
    public long? ObservedGeneration { get; init; }

    /// <summary>The revision of the source artifact the chart was last built from.</summary>
    public string? ObservedSourceArtifactRevision { get; init; }

    /// <summary>spec.chart when the artifact was last built.</summary>
    public string? ObservedChartName { get; init; }

    /// <summary>spec.valuesFiles when the artifact was last built.</summary>
    public IReadOnlyList<string>? ObservedValuesFiles { get; init; }

    public IReadOnlyList<Condition>? Conditions { get; init; }

    /// <summary>The download link of the chart artifact (same as artifact.url).</summary>
    public string? Url { get; init; }

    public Artifact? Artifact { get; init; }

    /// <summary>The last reconcile.fluxcd.io/requestedAt value handled.</summary>
    public string? LastHandledReconcileAt { get; init; }
}
