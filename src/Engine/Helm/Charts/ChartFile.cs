namespace Tide.Engine.Helm.Charts;

/// <summary>A file of a chart, named by its path relative to the chart root ("templates/x.yaml").</summary>
public sealed record ChartFile(string Name, byte[] Data);
