namespace Tide.Engine.Health;

/// <summary>kstatus's statuses, named as kstatus prints them (Flux's messages quote them: <c>status: 'InProgress'</c>).</summary>
public enum HealthStatus
{
    /// <summary>The object is reconciled and its desired state is reached.</summary>
    Current,

    /// <summary>Controllers are still working towards the desired state.</summary>
    InProgress,

    /// <summary>The object cannot reach its desired state without a change (progress deadline, failed job, Stalled).</summary>
    Failed,

    /// <summary>The object has a deletionTimestamp.</summary>
    Terminating,

    /// <summary>The object does not exist.</summary>
    NotFound,

    /// <summary>The status could not be computed (for example a CEL expression failed to evaluate).</summary>
    Unknown,
}
