namespace Tide.Engine.Reconcilers;

/// <summary>What a reconciliation produced: the status to patch, the events to record and when to run next.</summary>
public sealed record ReconcileResult<TStatus>(TStatus Status, IReadOnlyList<ReconcileEvent> Events, Requeue Requeue);
