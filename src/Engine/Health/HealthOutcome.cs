namespace Tide.Engine.Health;

/// <summary>What a health-check round means for the wait it belongs to.</summary>
public enum HealthOutcome
{
    /// <summary>Every object is Current: the wait is over and succeeded.</summary>
    Healthy,

    /// <summary>An object is Failed: the wait ends early (Flux's fail-fast).</summary>
    Failed,

    /// <summary>The timeout has passed with objects not Current.</summary>
    TimedOut,

    /// <summary>Objects are still progressing and there is time left: check again on the next tick.</summary>
    Waiting,
}
