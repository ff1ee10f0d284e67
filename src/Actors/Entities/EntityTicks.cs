namespace Tide.Actors.Entities;

/// <summary>The interval (or retry) timer fired.</summary>
public sealed class IntervalElapsed
{
    public static readonly IntervalElapsed Instance = new();
    private IntervalElapsed() { }
}

/// <summary>Reconcile now (sent to self; coalesced with a pending timer).</summary>
public sealed class ReconcileNow
{
    public static readonly ReconcileNow Instance = new();
    private ReconcileNow() { }
}
