namespace Tide.Engine.Health;

/// <summary>The decision after a round: the outcome and the message for the Kustomization's Ready condition and
/// events (Flux's wording for Failed and TimedOut; the objects still awaited for Waiting).</summary>
public sealed record HealthVerdict(HealthOutcome Outcome, string Message);
