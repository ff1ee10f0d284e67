namespace Tide.Engine.Health;

/// <summary>The status computed for one object and kstatus's message explaining it (e.g. "Ready: 0/3").</summary>
public sealed record HealthResult(HealthStatus Status, string Message)
{
    public static HealthResult Current(string message) => new(HealthStatus.Current, message);

    public static HealthResult InProgress(string message) => new(HealthStatus.InProgress, message);

    public static HealthResult Failed(string message) => new(HealthStatus.Failed, message);
}
