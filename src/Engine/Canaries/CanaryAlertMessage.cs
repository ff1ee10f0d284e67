namespace Tide.Engine.Canaries;

/// <summary>An alert Flagger would post to the Canary's AlertProviders.</summary>
/// <param name="Severity">"info", "warn" or "error".</param>
/// <param name="WithMetadata">Whether the target, phase and analysis settings go along (Flagger's alert fields).</param>
public sealed record CanaryAlertMessage(string Message, string Severity, bool WithMetadata);
