namespace Tide.Engine.Helm.Rendering;

/// <summary>A render that fails as `helm template` fails; the message is what helm prints after "Error: ".</summary>
public sealed class RenderException(string message) : Exception(message);
