namespace Tide.Engine.Helm.Rendering;

/// <summary>The inputs of `helm template RELEASE CHART`.</summary>
public sealed record HelmTemplateOptions(string ReleaseName, string ChartPath)
{
    public string Namespace { get; init; } = "default";

    /// <summary>-f files, in order (later ones win).</summary>
    public IReadOnlyList<string> ValuesFiles { get; init; } = [];

    /// <summary>--set expressions, applied after the values files.</summary>
    public IReadOnlyList<string> SetValues { get; init; } = [];

    public bool SkipTests { get; init; }
    public bool IncludeCrds { get; init; }
    public string KubeVersion { get; init; } = "v1.35.0";
}
