namespace Tide.Engine.Reconcilers;

/// <summary>See <see cref="Requeue"/>.</summary>
public enum RequeueMode
{
    Interval,
    Backoff,
    OnChange,
}
