namespace Tide.Engine.Reconcilers.Kustomizations;

/// <summary>What one round of health checks decided: its events, and when to look (or reconcile) again.</summary>
public sealed record HealthStep(IReadOnlyList<ReconcileEvent> Events, Requeue Requeue);
