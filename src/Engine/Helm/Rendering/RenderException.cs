namespace Tide.Engine.Helm.Rendering;

/// <summary>A render that fails as `helm template` fails; the message is what helm prints after "Error: ".</summary>
/// <param name="DuringRender">True for failures while templates run or their output is parsed, where helm adds its
/// "Use --debug flag" hint.</param>
public sealed class RenderException(string message, bool duringRender = false) : Exception(message)
{
    public bool DuringRender { get; } = duringRender;

    /// <summary>What `helm template` writes to stderr for a failure.</summary>
    public static string Stderr(Exception e) =>
        "Error: " + e.Message + "\n" + (e is RenderException { DuringRender: true } ? "\nUse --debug flag to render out invalid YAML\n" : "");
}
