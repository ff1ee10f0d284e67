namespace Tide.Engine.Helm.Rendering;

/// <summary>A render that fails as `helm template` fails; the message is what helm prints after "Error: ".</summary>
/// <param name="DuringRender">True for failures while templates run or their output is parsed, where helm adds its
/// "Use --debug flag" hint.</param>
/// <param name="LoggedAs">The message of the error line helm logs before failing (`level=ERROR msg=...`), if any.</param>
public sealed class RenderException(string message, bool duringRender = false, string? loggedAs = null) : Exception(message)
{
    public bool DuringRender { get; } = duringRender;

    public string? LoggedAs { get; } = loggedAs;

    /// <summary>What `helm template` writes to stderr for a failure.</summary>
    public static string Stderr(Exception e)
    {
        var log = e is RenderException { LoggedAs: { } msg, Message: var full } && full.StartsWith(msg + ": ", StringComparison.Ordinal)
            ? $"level=ERROR msg={Template.GoFormat.GoQuote(msg)} error={Template.GoFormat.GoQuote(full[(msg.Length + 2)..])}\n"
            : "";
        return log + "Error: " + e.Message + "\n" + (e is RenderException { DuringRender: true } ? "\nUse --debug flag to render out invalid YAML\n" : "");
    }
}
