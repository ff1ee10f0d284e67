namespace Tide.Engine.Helm.Charts;

/// <summary>A chart that cannot be loaded, or values that do not fit it; the message is what Helm would print.</summary>
public sealed class ChartException(string message) : Exception(message);
